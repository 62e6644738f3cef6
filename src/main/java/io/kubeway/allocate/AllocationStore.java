package io.kubeway.allocate;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.core.NamespacedName;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Keeps {@link Allocations} across restarts in {@code <stateDir>/allocations.json}, the role etcd plays
 * for the API server. Writes are atomic (a temporary file in the same directory, then a rename), so a
 * crash leaves either the old or the new file. Loading is lenient: a missing file is an empty state, and
 * a corrupt file or entry is skipped with a warning rather than stopping the program. Thread-safe.
 *
 * <pre>{"version": 1, "services": {"default/web": {"uid": "...", "creationTimestamp": "2026-11-24T10:00:00Z",
 *   "clusterIPs": ["127.96.0.10"], "nodePorts": {"TCP/80": 30080}, "healthCheckNodePort": null,
 *   "loadBalancerIPs": ["192.168.10.1"]}}}</pre>
 */
public final class AllocationStore {
    static final String FILE_NAME = "allocations.json";
    private static final int VERSION = 1;
    private static final Logger log = LoggerFactory.getLogger(AllocationStore.class);

    private final Path stateDir;
    private final Path file;
    private final ObjectMapper mapper = Serialization.jsonMapper();
    /** What the file holds as far as we know: skips rewriting an unchanged state on every sync. */
    private @Nullable Allocations lastWritten;

    public AllocationStore(Path stateDir) {
        this.stateDir = requireNonNull(stateDir, "stateDir");
        this.file = stateDir.resolve(FILE_NAME);
    }

    /** The stored allocations; empty when there is no file, or (with a warning) when it cannot be read. */
    public synchronized Allocations load() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lastWritten = null;
            return Allocations.empty();
        } catch (IOException e) {
            log.warn("Cannot read {}; starting with no allocations: {}", file, e.toString());
            lastWritten = null;
            return Allocations.empty();
        }
        List<String> skipped = new ArrayList<>();
        Allocations loaded = parse(text, skipped);
        // a damaged file is rewritten by the next save, even when nothing changed
        lastWritten = skipped.isEmpty() ? loaded : null;
        return loaded;
    }

    /**
     * Writes the allocations unless they equal what was last loaded or saved. Throws
     * {@link UncheckedIOException} when the state cannot be written; the previous file is then intact.
     */
    public synchronized void save(Allocations allocations) {
        requireNonNull(allocations, "allocations");
        if (allocations.equals(lastWritten)) return;
        Path tmp = null;
        try {
            Files.createDirectories(stateDir);
            tmp = Files.createTempFile(stateDir, FILE_NAME + ".", ".tmp");
            Files.writeString(tmp, render(allocations), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            lastWritten = allocations;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    log.warn("Cannot delete temporary file {}: {}", tmp, e.toString());
                }
            }
        }
    }

    private String render(Allocations allocations) {
        ObjectNode root = mapper.createObjectNode();
        root.put("version", VERSION);
        ObjectNode services = root.putObject("services");
        allocations.services().forEach((nn, a) -> {
            ObjectNode s = services.putObject(nn.toString());
            s.put("uid", a.uid());
            s.put("creationTimestamp", a.creationTimestamp());
            ArrayNode ips = s.putArray("clusterIPs");
            a.clusterIPs().forEach(ips::add);
            ObjectNode ports = s.putObject("nodePorts");
            a.nodePorts().forEach(ports::put);
            if (a.healthCheckNodePort() == null) {
                s.putNull("healthCheckNodePort");
            } else {
                s.put("healthCheckNodePort", a.healthCheckNodePort());
            }
            ArrayNode lbs = s.putArray("loadBalancerIPs");
            a.loadBalancerIPs().forEach(lbs::add);
        });
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private Allocations parse(String text, List<String> skipped) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JacksonException e) {
            log.warn("{} is corrupt; starting with no allocations: {}", file, e.getOriginalMessage());
            skipped.add("*");
            return Allocations.empty();
        }
        if (root == null || !root.isObject() || root.path("version").asInt(0) != VERSION
                || !root.path("services").isObject()) {
            log.warn("{} is not a version {} allocation file; starting with no allocations", file, VERSION);
            skipped.add("*");
            return Allocations.empty();
        }
        Map<NamespacedName, ServiceAllocation> services = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("services").properties()) {
            try {
                services.put(name(e.getKey()), entry(e.getValue()));
            } catch (IllegalArgumentException | NullPointerException bad) {
                log.warn("{}: skipping malformed entry for {}: {}", file, e.getKey(), bad.getMessage());
                skipped.add(e.getKey());
            }
        }
        return new Allocations(services);
    }

    private static NamespacedName name(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1 || key.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("not a namespace/name key");
        }
        return new NamespacedName(key.substring(0, slash), key.substring(slash + 1));
    }

    private static ServiceAllocation entry(JsonNode n) {
        Map<String, Integer> nodePorts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> p : n.path("nodePorts").properties()) {
            nodePorts.put(p.getKey(), integer(p.getValue(), "nodePorts." + p.getKey()));
        }
        JsonNode hc = n.path("healthCheckNodePort");
        return new ServiceAllocation(string(n.get("uid"), "uid"),
                string(n.get("creationTimestamp"), "creationTimestamp"),
                strings(n.path("clusterIPs"), "clusterIPs"), nodePorts,
                hc.isMissingNode() || hc.isNull() ? null : integer(hc, "healthCheckNodePort"),
                strings(n.path("loadBalancerIPs"), "loadBalancerIPs"));
    }

    private static String string(@Nullable JsonNode n, String field) {
        if (n == null || !n.isString()) throw new IllegalArgumentException(field + " must be a string");
        return n.stringValue();
    }

    private static int integer(JsonNode n, String field) {
        if (!n.isInt()) throw new IllegalArgumentException(field + " must be an integer");
        return n.intValue();
    }

    private static List<String> strings(JsonNode n, String field) {
        if (n.isMissingNode()) return List.of();
        if (!n.isArray()) throw new IllegalArgumentException(field + " must be a list");
        List<String> out = new ArrayList<>();
        for (JsonNode v : n.values()) out.add(string(v, field + "[]"));
        return out;
    }
}
