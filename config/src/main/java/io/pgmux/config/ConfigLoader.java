package io.pgmux.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a pgmux YAML configuration into a {@link ProxyConfig}.
 *
 * <p>Loading has two stages, each reporting every problem it finds: the YAML is mapped onto the schema
 * (unknown keys, wrong types, missing keys), then the typed result is validated (ranges, names,
 * references). Validation runs only when mapping succeeded, so one mistake is not reported twice.
 */
public final class ConfigLoader {

    /** The source name {@link #parse(String)} uses. */
    public static final String STRING_SOURCE = "<string>";

    // A configuration is small and hand-written: anything big or alias-heavy is a mistake or an attack.
    private static final int MAX_CODE_POINTS = 1 << 20;
    private static final int MAX_ALIASES = 10;
    private static final int MAX_NESTING = 20;

    private ConfigLoader() {
    }

    /** Loads a file, substituting {@code ${VAR}} from the process environment. */
    public static ProxyConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Loads a file, substituting {@code ${VAR}} from {@code env}. */
    public static ProxyConfig load(Path file, Map<String, String> env) throws ConfigException {
        String source = file.toString();
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, 0, 0, "", "file not found");
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, 0, 0, "", "file is not valid UTF-8");
        } catch (IOException e) {
            throw new ConfigException(source, 0, 0, "", "cannot read file: " + e);
        }
        return parse(yaml, source, env);
    }

    /** Parses YAML text under the source name {@value #STRING_SOURCE}, using the process environment. */
    public static ProxyConfig parse(String yaml) throws ConfigException {
        return parse(yaml, STRING_SOURCE);
    }

    /** Parses YAML text; {@code sourceName} prefixes error messages. Uses the process environment. */
    public static ProxyConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, System.getenv());
    }

    /** Parses YAML text, substituting {@code ${VAR}} from {@code env}. */
    public static ProxyConfig parse(String yaml, String sourceName, Map<String, String> env) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Locations locations = new Locations();
        Node root = compose(yaml, problems);
        problems.throwIfAny();
        ConfigMapper.Result mapped = ConfigMapper.map(root, sourceName, new ReadContext(problems, locations, env));
        problems.throwIfAny();
        ConfigValidator.validate(mapped, problems, locations);
        problems.throwIfAny();
        return mapped.config();
    }

    /** Every built-in default, no users and no databases; the same as {@link ProxyConfig#defaults()}. */
    public static ProxyConfig defaults() {
        return ProxyConfig.defaults();
    }

    private static Node compose(String yaml, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(options).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            // Only the problem text: snakeyaml's full message quotes the offending line, which may hold a password.
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.add("", Location.of(mark), "invalid YAML: " + describe(e));
        } catch (YAMLException e) {
            problems.add("", Location.UNKNOWN, "invalid YAML: " + e.getMessage());
        }
        return null;
    }

    /** snakeyaml's context ("while parsing a flow mapping") and problem, which are fixed phrases. */
    private static String describe(MarkedYAMLException e) {
        String context = e.getContext();
        String problem = e.getProblem();
        if (context == null) {
            return problem;
        }
        return context + (problem.startsWith("but ") ? " " : ": ") + problem;
    }
}
