package io.pgmux.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The entries of a YAML mapping by key, checked for unknown, duplicate and non-string keys. The typed
 * getters fall back to a default when the key is absent or its value is wrong (the latter having been
 * reported), so mapping code reads straight through.
 */
final class YamlMapping {

    private static final Pattern NAME_LIKE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final YamlNode owner;
    private final Map<String, YamlNode> entries;

    private YamlMapping(YamlNode owner, Map<String, YamlNode> entries) {
        this.owner = owner;
        this.entries = entries;
    }

    static YamlMapping of(YamlNode owner, List<NodeTuple> tuples, List<String> knownKeys) {
        ReadContext context = owner.context();
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : tuples) {
            Node keyNode = tuple.getKeyNode();
            Location at = Location.of(keyNode.getStartMark());
            if (keyNode.getTag().equals(Tag.MERGE)) {
                context.problems().add(owner.path(), at, "merge keys (<<) are not supported");
                continue;
            }
            if (!(keyNode instanceof ScalarNode scalar)) {
                context.problems().add(owner.path(), at, "keys must be strings");
                continue;
            }
            String key = scalar.getValue();
            String path = owner.path().isEmpty() ? key : owner.path() + "." + key;
            if (knownKeys != null && !knownKeys.contains(key)) {
                reportUnknown(owner, key, path, at, knownKeys);
                continue;
            }
            if (entries.containsKey(key)) {
                // snakeyaml checks duplicates only when constructing Java objects, which we do not use.
                int first = entries.get(key).location().line();
                context.problems().add(path, at, "duplicate key '" + key + "' (first at line " + first + ")");
                continue;
            }
            context.locations().put(path, at);
            entries.put(key, new YamlNode(tuple.getValueNode(), path, at, context));
        }
        return new YamlMapping(owner, entries);
    }

    private static void reportUnknown(YamlNode owner, String key, String path, Location at, List<String> knownKeys) {
        Problems problems = owner.context().problems();
        if (!NAME_LIKE.matcher(key).matches()) {
            // A forgotten colon, as in "{ name: a, password hunter2 }", makes a key of a secret: never echo it.
            problems.add(owner.path(), at, "unknown key with spaces or symbols (not shown in case it holds a secret)");
            return;
        }
        String hint = KeySuggestions.closest(key, knownKeys).map(k -> " (did you mean '" + k + "'?)").orElse("");
        problems.add(path, at, "unknown key '" + key + "'" + hint);
    }

    Optional<YamlNode> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The node at {@code key}; reports it missing on the owner when absent. */
    Optional<YamlNode> require(String key) {
        YamlNode node = entries.get(key);
        if (node == null) {
            owner.problem("missing required key '" + key + "'");
        }
        return Optional.ofNullable(node);
    }

    /** The entries in file order, for mappings whose keys are names rather than settings. */
    Iterable<Map.Entry<String, YamlNode>> entries() {
        return entries.entrySet();
    }

    <T> T value(String key, Function<String, T> parser, T fallback) {
        return get(key).flatMap(n -> n.as(parser)).orElse(fallback);
    }

    int integer(String key, int fallback) {
        return value(key, Units::parseInt, fallback);
    }

    Duration duration(String key, Duration fallback) {
        return value(key, Units::parseDuration, fallback);
    }

    boolean bool(String key, boolean fallback) {
        return value(key, Units::parseBoolean, fallback);
    }

    String string(String key, String fallback) {
        return get(key).flatMap(YamlNode::asString).orElse(fallback);
    }

    <T> T choice(String key, List<String> expected, Function<String, Optional<T>> lookup, T fallback) {
        return get(key).flatMap(n -> n.asChoice(expected, lookup)).orElse(fallback);
    }

    /** A list of strings; items that are not strings are reported and left out. */
    List<String> strings(String key, List<String> fallback) {
        return get(key).flatMap(YamlNode::asList)
                .map(items -> items.stream().flatMap(i -> i.asString().stream()).toList())
                .orElse(fallback);
    }
}
