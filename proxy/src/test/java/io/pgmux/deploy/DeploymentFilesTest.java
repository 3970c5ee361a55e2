package io.pgmux.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmux.config.BackendUrl;
import io.pgmux.config.ConfigException;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.HostPort;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.ShardConfig;
import io.pgmux.metrics.MetricsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The deployment files under {@code docker/} (no Docker engine or cluster here, so they are kept
 * honest by reading them): the Dockerfile copies paths that exist, the compose file and the
 * Kubernetes manifests parse and have what docs/kubernetes.md and docker/README.md say, every pgmux
 * configuration in them loads with pgmux's own loader from the variables they provide, and the
 * health checks and probes ask the real health paths on the configured metrics port.
 */
class DeploymentFilesTest {

    /** Surefire runs in the module directory, proxy/. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    // ---- Dockerfile --------------------------------------------------------------------------

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> dockerfile() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
            String t = line.strip();
            if (cur.length() == 0 && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.startsWith("#")) {
                continue;
            }
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1).append(' ');
            } else {
                out.add(cur.append(t).toString());
                cur.setLength(0);
            }
        }
        return out;
    }

    private static List<String> instructions(String keyword) throws IOException {
        return dockerfile().stream().filter(i -> i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1))
                .map(i -> i.substring(keyword.length() + 1).strip()).toList();
    }

    @Test
    void dockerfileCopiesOnlyPathsThatExistAndTheShadedJar() throws IOException {
        List<String> copies = instructions("COPY");
        assertFalse(copies.isEmpty());
        boolean jar = false;
        for (String copy : copies) {
            List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
            String from = null;
            while (words.get(0).startsWith("--")) {
                String flag = words.remove(0);
                if (flag.startsWith("--from=")) {
                    from = flag.substring("--from=".length());
                }
            }
            List<String> sources = words.subList(0, words.size() - 1);
            if (from == null) {
                // the build context is the repository root (docker build -f docker/Dockerfile .)
                for (String source : sources) {
                    assertTrue(Files.exists(ROOT.resolve(source)), "Dockerfile copies " + source + ", which does not exist");
                }
            } else {
                assertEquals("build", from);
                assertEquals(List.of("/src/proxy/target/pgmux.jar"), sources);
                jar = true;
            }
        }
        assertTrue(jar, "the runtime stage copies the jar from the build stage");
        // the build stage's WORKDIR /src + the proxy module's shaded jar name
        assertTrue(instructions("WORKDIR").contains("/src"));
        assertTrue(Files.readString(ROOT.resolve("proxy/pom.xml")).contains("<finalName>pgmux</finalName>"));
        assertTrue(instructions("RUN").stream().anyMatch(r -> r.contains("mvn ") && r.contains("-DskipTests") && r.contains("package")));
        assertEquals(2, instructions("FROM").size(), "a build stage and a runtime stage");
    }

    @Test
    void dockerImageRunsAsNonRootWithItsConfigExposedPortsAndHealthCheck() throws Exception {
        String user = instructions("USER").get(instructions("USER").size() - 1);
        assertFalse(user.startsWith("root") || user.startsWith("0"), "runs as " + user);
        assertEquals(List.of("SIGTERM"), instructions("STOPSIGNAL"));

        // the built-in configuration, with the variables its comments say are required
        ProxyConfig c = ConfigLoader.load(DOCKER.resolve("pgmux.yaml"), Map.of(
                "PGMUX_PRIMARY_URL", "postgres://app:secret@db:5432/app",
                "PGMUX_APP_PASSWORD", "secret", "PGMUX_ADMIN_PASSWORD", "admin"));
        assertTrue(instructions("COPY").contains("docker/pgmux.yaml /etc/pgmux/pgmux.yaml"));
        assertTrue(String.join("\n", instructions("CMD")).contains("/etc/pgmux/pgmux.yaml"));
        for (HostPort hp : List.of(c.listen(), c.admin().listen(), c.metrics().listen())) {
            assertTrue(hp.isWildcard(), hp + ": a container's listeners must accept connections from outside it");
        }
        Set<String> exposed = new HashSet<>();
        instructions("EXPOSE").forEach(e -> exposed.addAll(List.of(e.split("\\s+"))));
        assertEquals(Set.of(port(c.listen()), port(c.admin().listen()), port(c.metrics().listen())), exposed);

        String healthcheck = String.join("\n", instructions("HEALTHCHECK"));
        assertTrue(healthcheck.contains("http://127.0.0.1:" + c.metrics().listen().port() + MetricsServer.READY_PATH),
                healthcheck);
    }

    private static String port(HostPort hp) {
        return String.valueOf(hp.port());
    }

    // ---- docker-compose.yml ------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String what) {
        assertTrue(o instanceof Map, what + " is not a mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o, String what) {
        assertTrue(o instanceof List, what + " is not a list: " + o);
        return (List<Object>) o;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    /** Compose's interpolation with nothing set in the environment: every variable needs a default. */
    private static String composeValue(Object value) {
        Matcher m = VAR.matcher(String.valueOf(value));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            assertNotNull(m.group(2), "compose variable " + m.group(1) + " has no default");
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2)));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void composeHasPrimaryReplicaTwoShardsAndPgmuxWithItsConfig() throws Exception {
        Map<String, Object> compose = map(yaml().load(Files.readString(DOCKER.resolve("docker-compose.yml"))), "compose");
        Map<String, Object> services = map(compose.get("services"), "services");
        assertEquals(Set.of("primary", "replica", "shard0", "shard1", "pgmux"), services.keySet());

        // every bind-mounted file exists (relative to docker/)
        for (Map.Entry<String, Object> s : services.entrySet()) {
            Map<String, Object> service = map(s.getValue(), s.getKey());
            for (Object v : list(service.getOrDefault("volumes", List.of()), s.getKey() + ".volumes")) {
                String source = String.valueOf(v).split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(DOCKER.resolve(source)), s.getKey() + " mounts " + source + ", which does not exist");
                }
            }
            if (!s.getKey().equals("pgmux")) {
                assertTrue(String.valueOf(service.get("image")).startsWith("postgres:"), s.getKey());
            }
        }
        // the replica is made by pg_basebackup from the primary, as a standby (-R: standby.signal)
        String replica = Files.readString(DOCKER.resolve("compose/replica.sh"));
        assertTrue(replica.contains("pg_basebackup") && replica.contains("--host=primary") && replica.contains("--write-recovery-conf"));
        assertTrue(Files.readString(DOCKER.resolve("compose/10-app.sh")).contains("REPLICATION LOGIN"));

        Map<String, Object> pgmux = map(services.get("pgmux"), "pgmux");
        Map<String, Object> build = map(pgmux.get("build"), "pgmux.build");
        Path context = DOCKER.resolve(String.valueOf(build.get("context"))).normalize();
        assertEquals(ROOT, context);
        assertEquals(DOCKER.resolve("Dockerfile"), context.resolve(String.valueOf(build.get("dockerfile"))));

        String mount = list(pgmux.get("volumes"), "pgmux.volumes").stream().map(String::valueOf)
                .filter(v -> v.contains(":/etc/pgmux/pgmux.yaml")).findFirst().orElseThrow();
        assertTrue(mount.startsWith("./pgmux-compose.yaml:"), mount);
        Map<String, String> env = new HashMap<>();
        map(pgmux.get("environment"), "pgmux.environment").forEach((k, v) -> env.put(k, composeValue(v)));
        ProxyConfig c = ConfigLoader.load(DOCKER.resolve("pgmux-compose.yaml"), env);

        // routing: app has the primary and the replica; sharding: orders over the two shard servers
        DatabaseConfig app = c.database("app").orElseThrow();
        assertEquals("primary", app.primary().host());
        assertEquals(List.of("replica"), app.replicas().stream().map(BackendUrl::host).toList());
        DatabaseConfig orders = c.database("orders").orElseThrow();
        assertTrue(orders.isSharded());
        assertEquals(List.of("shard0", "shard1"), orders.shards().stream().map(ShardConfig::primary).map(BackendUrl::host).toList());
        for (DatabaseConfig db : c.databases().values()) {
            for (ShardConfig shard : db.shards()) {
                assertTrue(services.containsKey(shard.primary().host()), shard.primary().host());
                shard.replicas().forEach(r -> assertTrue(services.containsKey(r.host()), r.host()));
            }
        }

        // reachable from outside the container; the ports published are the configured ones
        for (HostPort hp : List.of(c.listen(), c.admin().listen(), c.metrics().listen())) {
            assertTrue(hp.isWildcard(), hp.toString());
            String mapping = hp.port() + ":" + hp.port();
            assertTrue(list(pgmux.get("ports"), "pgmux.ports").stream().map(String::valueOf)
                            .anyMatch(p -> p.equals(mapping) || p.endsWith(":" + mapping)),
                    "port " + hp.port() + " is published");
        }
        // the image's HEALTHCHECK asks port 9930: the compose config must serve health there
        assertTrue(String.join("\n", instructions("HEALTHCHECK")).contains(":" + c.metrics().listen().port() + "/"));
        // compose waits stop_grace_period after SIGTERM before SIGKILL: longer than the drain
        assertTrue(seconds(String.valueOf(pgmux.get("stop_grace_period"))) > c.shutdownTimeout().toSeconds());
    }

    private static long seconds(String duration) {
        assertTrue(duration.matches("\\d+s"), duration);
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }

    // ---- Kubernetes ----------------------------------------------------------------------------

    private static List<Map<String, Object>> manifests(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(Files.readString(DOCKER.resolve("k8s").resolve(file)))) {
            if (doc != null) {
                docs.add(map(doc, file));
            }
        }
        return docs;
    }

    private static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> found = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    private static Object at(Object node, String... path) {
        Object cur = node;
        for (String key : path) {
            cur = map(cur, key).get(key);
        }
        return cur;
    }

    private static String name(Map<String, Object> manifest) {
        return String.valueOf(at(manifest, "metadata", "name"));
    }

    /** What a manifest's pgmux container was checked to be, for the topology's own checks. */
    private record Pgmux(Map<String, Object> container, ProxyConfig config, long grace) {
    }

    /** The checks both topologies share; returns the pgmux container and its loaded configuration. */
    private static Pgmux checkPgmuxPod(List<Map<String, Object>> docs, boolean sidecar) throws ConfigException {
        Map<String, Object> secret = only(docs, "Secret");
        Map<String, Object> configMap = only(docs, "ConfigMap");
        Map<String, Object> deployment = only(docs, "Deployment");
        Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"), "pod spec");
        assertEquals(at(deployment, "spec", "selector", "matchLabels"), labelsSubset(deployment));

        List<Object> candidates = new ArrayList<>(list(pod.getOrDefault("containers", List.of()), "containers"));
        candidates.addAll(list(pod.getOrDefault("initContainers", List.of()), "initContainers"));
        Map<String, Object> c = candidates.stream().map(o -> map(o, "container"))
                .filter(o -> "pgmux".equals(o.get("name"))).findFirst().orElseThrow();
        if (sidecar) {
            assertTrue(list(pod.get("initContainers"), "initContainers").contains(c), "a native sidecar");
            assertEquals("Always", c.get("restartPolicy"));
        }

        // the configuration: the ConfigMap's file, mounted where --config points
        List<Object> args = list(c.get("args"), "args");
        Path configFile = Path.of(String.valueOf(args.get(args.indexOf("--config") + 1)));
        Map<String, Object> mount = list(c.get("volumeMounts"), "volumeMounts").stream().map(o -> map(o, "mount"))
                .filter(m -> configFile.getParent().toString().equals(m.get("mountPath"))).findFirst().orElseThrow();
        Map<String, Object> volume = list(pod.get("volumes"), "volumes").stream().map(o -> map(o, "volume"))
                .filter(v -> v.get("name").equals(mount.get("name"))).findFirst().orElseThrow();
        assertEquals(name(configMap), at(volume, "configMap", "name"));
        String key = list(at(volume, "configMap", "items"), "items").stream().map(o -> map(o, "item"))
                .filter(i -> configFile.getFileName().toString().equals(i.get("path")))
                .map(i -> String.valueOf(i.get("key"))).findFirst().orElseThrow();
        String yaml = String.valueOf(map(configMap.get("data"), "data").get(key));

        // the variables: the Secret's (envFrom) and the container's literal env values
        assertTrue(list(c.get("envFrom"), "envFrom").stream()
                .anyMatch(e -> name(secret).equals(at(e, "secretRef", "name"))), "envFrom the Secret");
        Map<String, String> env = new LinkedHashMap<>();
        map(secret.get("stringData"), "stringData").forEach((k, v) -> env.put(k, String.valueOf(v)));
        for (Object e : list(c.getOrDefault("env", List.of()), "env")) {
            Map<String, Object> var = map(e, "env");
            if (var.get("value") != null) {
                env.put(String.valueOf(var.get("name")), String.valueOf(var.get("value")));
            }
        }
        ProxyConfig config = ConfigLoader.parse(yaml, "ConfigMap " + name(configMap), env);
        assertTrue(yaml.contains("${"), "passwords come from the Secret, not the ConfigMap");

        // probes: the real paths, on the port the metrics endpoint listens on, from the pod's address
        HostPort metrics = config.metrics().listen();
        assertTrue(metrics.isWildcard(), "the kubelet probes the pod's address, not " + metrics);
        assertEquals(MetricsServer.LIVE_PATH, at(c, "livenessProbe", "httpGet", "path"));
        assertEquals(MetricsServer.READY_PATH, at(c, "readinessProbe", "httpGet", "path"));
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (c.containsKey(probe)) {
                assertEquals(metrics.port(), containerPort(c, at(c, probe, "httpGet", "port")), probe);
            }
        }
        Map<String, Object> requests = map(at(c, "resources", "requests"), "resources.requests");
        assertTrue(requests.containsKey("cpu") && requests.containsKey("memory"));
        assertEquals(Boolean.TRUE, at(pod, "securityContext", "runAsNonRoot"));

        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        assertTrue(grace > config.shutdownTimeout().toSeconds() + preStopSleep(c),
                "terminationGracePeriodSeconds covers the preStop hook and shutdown_timeout");
        return new Pgmux(c, config, grace);
    }

    private static Object labelsSubset(Map<String, Object> deployment) {
        Map<String, Object> labels = map(at(deployment, "spec", "template", "metadata", "labels"), "pod labels");
        Map<String, Object> selector = map(at(deployment, "spec", "selector", "matchLabels"), "selector");
        Map<String, Object> matched = new LinkedHashMap<>();
        selector.keySet().forEach(k -> matched.put(k, labels.get(k)));
        return matched;
    }

    /** A probe's or Service's port: a number, or the name of one of the container's ports. */
    private static int containerPort(Map<String, Object> container, Object port) {
        if (port instanceof Number n) {
            return n.intValue();
        }
        return list(container.get("ports"), "ports").stream().map(o -> map(o, "port"))
                .filter(p -> port.equals(p.get("name"))).map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst().orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    private static long preStopSleep(Map<String, Object> container) {
        Object hook = map(container.getOrDefault("lifecycle", Map.of()), "lifecycle").get("preStop");
        if (hook == null) {
            return 0;
        }
        List<Object> command = list(at(hook, "exec", "command"), "preStop command");
        assertEquals("sleep", command.get(0));
        return Long.parseLong(String.valueOf(command.get(1)));
    }

    @Test
    void sidecarManifest() throws Exception {
        List<Map<String, Object>> docs = manifests("sidecar.yaml");
        assertEquals(Set.of("Secret", "ConfigMap", "Deployment"), kinds(docs));
        Pgmux p = checkPgmuxPod(docs, true);
        // only the application in the pod connects, on the loopback address
        assertEquals("127.0.0.1", p.config().listen().host());
        Map<String, Object> pod = map(at(only(docs, "Deployment"), "spec", "template", "spec"), "pod spec");
        Map<String, Object> app = map(list(pod.get("containers"), "containers").get(0), "app");
        String url = list(app.get("env"), "env").stream().map(o -> map(o, "env"))
                .filter(e -> "DATABASE_URL".equals(e.get("name"))).map(e -> String.valueOf(e.get("value")))
                .findFirst().orElseThrow();
        assertTrue(url.contains("@127.0.0.1:" + p.config().listen().port() + "/"), url);
    }

    @Test
    void sharedManifest() throws Exception {
        List<Map<String, Object>> docs = manifests("shared.yaml");
        assertEquals(Set.of("Secret", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget"), kinds(docs));
        Pgmux p = checkPgmuxPod(docs, false);
        assertTrue(p.config().listen().isWildcard(), "the Service reaches the pod's address");
        assertTrue(preStopSleep(p.container()) > 0, "a preStop hook lets the endpoints update before the drain");

        Map<String, Object> deployment = only(docs, "Deployment");
        Object podLabels = at(deployment, "spec", "template", "metadata", "labels");
        Map<String, Object> service = only(docs, "Service");
        assertEquals(podLabels, at(service, "spec", "selector"));
        Map<String, Object> pg = list(at(service, "spec", "ports"), "ports").stream().map(o -> map(o, "port"))
                .filter(sp -> "postgres".equals(sp.get("name"))).findFirst().orElseThrow();
        assertEquals(p.config().listen().port(), containerPort(p.container(), pg.get("targetPort")));
        Map<String, Object> pdb = only(docs, "PodDisruptionBudget");
        assertEquals(podLabels, at(pdb, "spec", "selector", "matchLabels"));
        assertTrue(((Number) at(deployment, "spec", "replicas")).intValue() >= 2, "a PDB needs more than one pod");
    }

    private static Set<String> kinds(List<Map<String, Object>> docs) {
        Set<String> kinds = new HashSet<>();
        docs.forEach(d -> assertTrue(kinds.add(String.valueOf(d.get("kind"))), "one " + d.get("kind")));
        return kinds;
    }

    @Test
    void unsetSecretVariableIsAnErrorNotAnEmptyPassword() throws Exception {
        // the Secret must provide every variable: a missing one fails loading, naming it
        String yaml = String.valueOf(map(only(manifests("shared.yaml"), "ConfigMap").get("data"), "data").get("pgmux.yaml"));
        try {
            ConfigLoader.parse(yaml, "ConfigMap pgmux", Map.of());
            fail("loaded without its variables");
        } catch (ConfigException e) {
            assertTrue(e.getMessage().contains("DB_PASSWORD"), e.getMessage());
        }
    }
}
