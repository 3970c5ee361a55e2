package io.pgmux.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A snakeyaml node (or {@code null} for an empty document) together with its key path and position.
 * Every conversion reports a problem and returns empty when the node does not fit, so one pass over a
 * file finds all its problems. The position is that of the node's key, or of the item in a list.
 *
 * <p>A YAML null ({@code ~}, {@code null} or nothing after the colon) reads as an empty string, an
 * empty mapping or an empty list, whichever is asked for.
 */
final class YamlNode {

    private final Node node;
    private final String path;
    private final Location location;
    private final ReadContext context;

    YamlNode(Node node, String path, Location location, ReadContext context) {
        this.node = node;
        this.path = path;
        this.location = location;
        this.context = context;
    }

    String path() {
        return path;
    }

    Location location() {
        return location;
    }

    ReadContext context() {
        return context;
    }

    void problem(String reason) {
        context.problems().add(path, location, reason);
    }

    /** True for a mapping node (a list item may be a string or a mapping). */
    boolean isMapping() {
        return node instanceof MappingNode;
    }

    private boolean isNull() {
        return node == null || node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /**
     * This node as a mapping whose keys must be among {@code knownKeys}; {@code null} allows any key.
     */
    Optional<YamlMapping> asMapping(List<String> knownKeys) {
        if (node instanceof MappingNode mapping) {
            return Optional.of(YamlMapping.of(this, mapping.getValue(), knownKeys));
        }
        if (isNull()) {
            return Optional.of(YamlMapping.of(this, List.of(), knownKeys));
        }
        problem("expected a mapping");
        return Optional.empty();
    }

    Optional<List<YamlNode>> asList() {
        if (isNull()) {
            return Optional.of(List.of());
        }
        if (!(node instanceof SequenceNode sequence)) {
            problem("expected a list");
            return Optional.empty();
        }
        List<YamlNode> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            String itemPath = path + "[" + items.size() + "]";
            Location itemLocation = Location.of(item.getStartMark());
            context.locations().put(itemPath, itemLocation);
            items.add(new YamlNode(item, itemPath, itemLocation, context));
        }
        return Optional.of(items);
    }

    /** The scalar's text, tag ignored, after {@code ${VAR}} substitution. */
    Optional<String> asString() {
        if (isNull()) {
            return Optional.of("");
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem("expected a string");
            return Optional.empty();
        }
        try {
            return Optional.of(EnvSubstitution.apply(scalar.getValue(), context.env()));
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The scalar's text converted by {@code parser}, whose {@link IllegalArgumentException} message becomes
     * the problem's reason. A parser may return {@code null} to mean "no value" without a problem.
     */
    <T> Optional<T> as(Function<String, T> parser) {
        return asString().flatMap(text -> {
            try {
                return Optional.ofNullable(parser.apply(text));
            } catch (IllegalArgumentException e) {
                problem(e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** One of a fixed set of words; {@code expected} lists them for the error. */
    <T> Optional<T> asChoice(List<String> expected, Function<String, Optional<T>> lookup) {
        return asString().flatMap(text -> {
            Optional<T> found = lookup.apply(text);
            if (found.isEmpty()) {
                problem("expected one of " + String.join(", ", expected));
            }
            return found;
        });
    }
}
