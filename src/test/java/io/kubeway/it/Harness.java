package io.kubeway.it;

import io.kubeway.core.IpLiterals;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.IngressSettings;
import io.kubeway.KubewayOptions;
import io.kubeway.KubewayServer;
import io.kubeway.echo.EchoServer;
import io.kubeway.testing.FreePorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A whole Kubeway (file source, controller, proxy, admin API) on loopback, fed by manifests the test
 * writes into a temporary folder, plus real echo backends. Each test class uses its own address ranges.
 */
final class Harness implements AutoCloseable {
    private static final Pattern BACKEND = Pattern.compile("\"backend\"\\s*:\\s*\"([^\"]+)\"");

    final Path manifests;
    final Path stateDir;
    final String serviceCidr;
    final String nodePortRange;
    final String lbPool;
    List<String> nodeAddresses = List.of("127.0.0.1");
    /** No Ingress listeners unless a test asks for them. */
    IngressSettings ingress = IngressSettings.defaults(null, null);
    KubewayServer server;
    private final List<EchoServer> backends = new ArrayList<>();

    /**
     * A harness whose NodePort range is 100 ports that are free on this machine now ({@link FreePorts}): a test
     * names NodePorts as {@link #nodePort}(offset), never as fixed numbers another process might hold.
     */
    Harness(Path tmp, String serviceCidr, String lbPool) throws IOException {
        this.manifests = Files.createDirectories(tmp.resolve("manifests"));
        this.stateDir = tmp.resolve("state");
        this.serviceCidr = serviceCidr;
        this.nodePortRange = FreePorts.range(100);
        this.lbPool = lbPool;
    }

    /** The NodePort {@code offset} ports above the start of this harness's range (0-99). */
    int nodePort(int offset) {
        return FreePorts.first(nodePortRange) + offset;
    }

    /** Whether {@code port} is in this harness's NodePort range. */
    boolean inNodePortRange(int port) {
        return port >= nodePort(0) && port <= nodePort(99);
    }

    Harness start() {
        server = KubewayServer.start(new KubewayOptions(List.of(manifests), serviceCidr, nodePortRange,
                nodeAddresses.stream().map(IpLiterals::of).toList(), List.of(lbPool), stateDir,
                new InetSocketAddress(IpLiterals.of("127.0.0.1"), 0), "node-1", 1, Duration.ofMillis(100), "auto", ingress),
                Clock.systemUTC());
        return this;
    }

    void restart() {
        server.close();
        start();
    }

    void write(String file, String yaml) throws IOException {
        Path tmp = manifests.resolve("." + file + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, manifests.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    void delete(String file) throws IOException {
        Files.deleteIfExists(manifests.resolve(file));
    }

    EchoServer backend(String ip, int port, String name) {
        EchoServer s = EchoServer.start(new InetSocketAddress(IpLiterals.of(ip), port), name);
        backends.add(s);
        return s;
    }

    /** Waits until the service is admitted and returns it as allocated. */
    Service service(String name) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> find(name), s -> s != null);
    }

    Service find(String name) {
        return server.view().services().stream()
                .filter(s -> s.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }

    List<Event> events(String objectName) {
        return server.view().events().stream()
                .filter(e -> objectName.equals(e.getInvolvedObject().getName())).toList();
    }

    /** One HTTP request on a new connection; returns the name of the backend that answered. */
    static String whoAnswers(String ip, int port) throws IOException {
        return whoAnswers(null, ip, port);
    }

    static String whoAnswers(String sourceIp, String ip, int port) throws IOException {
        try (Socket s = new Socket()) {
            if (sourceIp != null) {
                s.bind(new InetSocketAddress(IpLiterals.of(sourceIp), 0));
            }
            s.connect(new InetSocketAddress(IpLiterals.of(ip), port), 2000);
            s.setSoTimeout(5000);
            return httpGet(s);
        }
    }

    /** Sends a GET on an open connection (kept alive) and returns the backend's name. */
    static String httpGet(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readResponse(s.getInputStream());
        Matcher m = BACKEND.matcher(response);
        if (!m.find()) {
            throw new IOException("no backend in response: " + response);
        }
        return m.group(1);
    }

    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        if (!m.find()) {
            throw new IOException("no content-length: " + head);
        }
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        return head + new String(body, StandardCharsets.UTF_8);
    }

    /** One UDP datagram and its echo. */
    static String udpRoundTrip(String ip, int port, String payload) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(IpLiterals.of("127.0.0.1"), 0))) {
            s.setSoTimeout(2000);
            byte[] data = payload.getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(data, data.length, IpLiterals.of(ip), port));
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            s.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
        }
    }

    /**
     * An Ingress manifest (ending in {@code ---}): one rule for {@code host} whose Prefix paths all go to
     * {@code service}'s port named {@code http}, with {@code annotations} (names without the
     * {@code nginx.ingress.kubernetes.io/} prefix) quoted as YAML strings.
     */
    static String ingress(String name, String host, String service, Map<String, String> annotations,
                          String... paths) {
        StringBuilder a = new StringBuilder();
        new java.util.TreeMap<>(annotations).forEach((k, v) -> a.append(a.isEmpty() ? "" : ", ")
                .append("nginx.ingress.kubernetes.io/").append(k).append(": ").append(yamlString(v)));
        StringBuilder p = new StringBuilder();
        for (String path : paths) {
            p.append(p.isEmpty() ? "" : ", ").append("{path: ").append(path)
                    .append(", pathType: Prefix, backend: {service: {name: ").append(service)
                    .append(", port: {name: http}}}}");
        }
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations: {%s}
                spec:
                  rules:
                  - host: %s
                    http:
                      paths: [%s]
                ---
                """.formatted(name, a, host, p);
    }

    /** {@code v} as a double-quoted YAML string. */
    static String yamlString(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The Pod {@code web-1} (labels {@code app: web}, {@code podIP} {@code ip}, port {@code http} 8080) and the
     * Service {@code web} (port 80 to {@code http}) in front of it, ending in {@code ---}.
     */
    static String webService(String ip) {
        return pod("web-1", "{app: web}", ip, "[{name: http, containerPort: 8080}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                """;
    }

    static String pod(String name, String labels, String ip, String ports, boolean ready) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: %s
                spec:
                  containers:
                  - name: app
                    image: app
                    ports: %s
                status:
                  podIP: %s
                  conditions:
                  - {type: Ready, status: "%s"}
                ---
                """.formatted(name, labels, ports, ip, ready ? "True" : "False");
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        backends.forEach(EchoServer::close);
    }

    /** Writes ingress-nginx's controller ConfigMap (ingress-nginx/ingress-nginx-controller) with these data lines. */
    void controllerConfigMap(String data) throws IOException {
        write("controller.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
                data:
                """ + data.indent(2));
    }
}
