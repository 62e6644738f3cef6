package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.admin.AdminServer;
import io.kubeway.admin.ClusterView;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubeway get} against a real {@link AdminServer} serving {@link GetFixtures#view()}. The expected tables
 * were derived cell by cell from kubectl's printers; their padding follows Go's tabwriter as kubectl sets it up.
 */
class GetCommandTest {
    private static PrometheusMeterRegistry registry;
    private static AdminServer server;
    private static String address;

    @BeforeAll
    static void startAdminApi() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ClusterView view = GetFixtures.view();
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> view, registry);
        address = "127.0.0.1:" + server.address().getPort();
    }

    @AfterAll
    static void stopAdminApi() {
        server.close();
        registry.close();
    }

    record Run(int exit, String out, String err) {
    }

    /** Runs {@code kubeway get args...} against the test admin API with the fixed clock. */
    static Run get(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (all.stream().noneMatch(a -> a.startsWith("--admin-address"))) {
            all.addAll(List.of("--admin-address", address));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new GetCommand(GetFixtures.CLOCK));
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    record Case(String name, List<String> args, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, String args, String expected) {
        return new Case(name, List.of(args.split(" ")), expected);
    }

    static Stream<Case> tables() {
        return Stream.of(
                c("services of every type", "services", lines(
                "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP             PORT(S)                      AGE",
                "db           ClusterIP      None         <none>                  5432/TCP                     2m30s",
                "external     ExternalName   <none>       db.example.com          <none>                       400d",
                "extip        ClusterIP      10.96.0.14   192.0.2.10,192.0.2.11   53/UDP                       <unknown>",
                "lb           LoadBalancer   10.96.0.13   192.168.1.240...        443:31443/TCP                2d",
                "lb-pending   LoadBalancer   10.96.0.12   <pending>               80:31000/TCP                 3h20m",
                "nodeport     NodePort       10.96.0.11   <none>                  80:30080/TCP,443:30443/TCP   10m",
                "web          ClusterIP      10.96.0.10   <none>                  80/TCP                       5s")),
                c("services -o wide: SELECTOR and unclipped load-balancer addresses", "services -o wide", lines(
                "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP                   PORT(S)                      AGE         SELECTOR",
                "db           ClusterIP      None         <none>                        5432/TCP                     2m30s       app=db,tier=data",
                "external     ExternalName   <none>       db.example.com                <none>                       400d        <none>",
                "extip        ClusterIP      10.96.0.14   192.0.2.10,192.0.2.11         53/UDP                       <unknown>   app=dns",
                "lb           LoadBalancer   10.96.0.13   192.168.1.240,192.168.1.241   443:31443/TCP                2d          app=web",
                "lb-pending   LoadBalancer   10.96.0.12   <pending>                     80:31000/TCP                 3h20m       app=web",
                "nodeport     NodePort       10.96.0.11   <none>                        80:30080/TCP,443:30443/TCP   10m         app=web",
                "web          ClusterIP      10.96.0.10   <none>                        80/TCP                       5s          app=web")),
                c("services -A: NAMESPACE first", "services -A", lines(
                "NAMESPACE   NAME         TYPE           CLUSTER-IP   EXTERNAL-IP             PORT(S)                      AGE",
                "default     db           ClusterIP      None         <none>                  5432/TCP                     2m30s",
                "default     external     ExternalName   <none>       db.example.com          <none>                       400d",
                "default     extip        ClusterIP      10.96.0.14   192.0.2.10,192.0.2.11   53/UDP                       <unknown>",
                "default     lb           LoadBalancer   10.96.0.13   192.168.1.240...        443:31443/TCP                2d",
                "default     lb-pending   LoadBalancer   10.96.0.12   <pending>               80:31000/TCP                 3h20m",
                "default     nodeport     NodePort       10.96.0.11   <none>                  80:30080/TCP,443:30443/TCP   10m",
                "default     web          ClusterIP      10.96.0.10   <none>                  80/TCP                       5s",
                "team-b      api          ClusterIP      10.96.0.20   <none>                  8080/TCP                     3h20m")),
                c("one service by name", "svc web", lines(
                "NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
                "web    ClusterIP   10.96.0.10   <none>        80/TCP    5s")),
                c("one service in TYPE/NAME form", "service/web", lines(
                "NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
                "web    ClusterIP   10.96.0.10   <none>        80/TCP    5s")),
                c("services by label", "svc -l app=web,tier!=data -o wide", lines(
                "NAME         TYPE           CLUSTER-IP   EXTERNAL-IP                   PORT(S)                      AGE     SELECTOR",
                "lb           LoadBalancer   10.96.0.13   192.168.1.240,192.168.1.241   443:31443/TCP                2d      app=web",
                "lb-pending   LoadBalancer   10.96.0.12   <pending>                     80:31000/TCP                 3h20m   app=web",
                "nodeport     NodePort       10.96.0.11   <none>                        80:30080/TCP,443:30443/TCP   10m     app=web",
                "web          ClusterIP      10.96.0.10   <none>                        80/TCP                       5s      app=web")),
                c("endpointslices", "endpointslices", lines(
                "NAME         ADDRESSTYPE   PORTS                        ENDPOINTS                                   AGE",
                "db-xyz       IPv4          postgres,*                   <unset>                                     2m30s",
                "headless-q   IPv6          <unset>                      fd00::9                                     <unknown>",
                "web-abc12    IPv4          8080,8443,9090 + 1 more...   127.0.0.2,127.0.0.3,127.0.0.4 + 2 more...   10m")),
                c("events", "events", lines(
                "LAST SEEN   TYPE      REASON                OBJECT              MESSAGE",
                "3h20m       Normal    NodeReady             node/kubeway-node   node is ready",
                "10m         Normal    EnsuredLoadBalancer   service/lb          assigned 192.168.1.240",
                "2m30s       Warning   NoEndpoints           service/web         no ready endpoints",
                "5s          Normal    Allocated             service/web         allocated 10.96.0.10")),
                c("events -o wide", "ev -o wide", lines(
                "LAST SEEN   TYPE      REASON                OBJECT              SUBOBJECT          SOURCE                      MESSAGE                  FIRST SEEN   COUNT   NAME",
                "3h20m       Normal    NodeReady             node/kubeway-node                      kubelet                     node is ready            4h           3       kubeway-node.1",
                "10m         Normal    EnsuredLoadBalancer   service/lb                                                         assigned 192.168.1.240   10m          1       lb.1",
                "2m30s       Warning   NoEndpoints           service/web         spec.ports{http}   kubeway                     no ready endpoints       2m30s        4       web.2",
                "5s          Normal    Allocated             service/web                            kubeway-controller, node1   allocated 10.96.0.10     5s           1       web.1")),
                c("nodes ignore -n: they are cluster-scoped", "nodes -n team-b", lines(
                "NAME           STATUS                       ROLES                   AGE         VERSION",
                "kubeway-node   Ready                        control-plane,kubeway   2d          v1.31.0-kubeway",
                "spare          Unknown,SchedulingDisabled   <none>                  <unknown>   ")),
                c("nodes -A has no NAMESPACE column", "no -A", lines(
                "NAME           STATUS                       ROLES                   AGE         VERSION",
                "kubeway-node   Ready                        control-plane,kubeway   2d          v1.31.0-kubeway",
                "spare          Unknown,SchedulingDisabled   <none>                  <unknown>   ")),
                c("nodes -o wide", "nodes -o wide", lines(
                "NAME           STATUS                       ROLES                   AGE         VERSION           INTERNAL-IP    EXTERNAL-IP   OS-IMAGE              KERNEL-VERSION   CONTAINER-RUNTIME",
                "kubeway-node   Ready                        control-plane,kubeway   2d          v1.31.0-kubeway   192.168.1.10   <none>        Debian GNU/Linux 12   6.1.0            <unknown>",
                "spare          Unknown,SchedulingDisabled   <none>                  <unknown>                     <none>         <none>        <unknown>             <unknown>        <unknown>")));
    }

    @ParameterizedTest
    @MethodSource("tables")
    void printsTablesExactlyAsKubectl(Case c) {
        Run run = get(c.args().toArray(String[]::new));

        assertThat(run.err()).isEmpty();
        assertThat(run.out()).isEqualTo(c.expected());
        assertThat(run.exit()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"services", "service", "svc", "SVC", "Services"})
    void acceptsKubectlsNamesForServices(String type) {
        assertThat(get(type).out()).isEqualTo(get("services").out()).startsWith("NAME ");
    }

    record Alias(String alias, String plural) {
    }

    static Stream<Alias> aliases() {
        return Stream.of(new Alias("endpointslice", "endpointslices"),
                new Alias("endpointslices.discovery.k8s.io", "endpointslices"),
                new Alias("EndpointSlice", "endpointslices"),
                new Alias("event", "events"), new Alias("ev", "events"),
                new Alias("node", "nodes"), new Alias("no", "nodes"));
    }

    @ParameterizedTest
    @MethodSource("aliases")
    void acceptsKubectlsNamesForTheOtherResources(Alias a) {
        Run canonical = get(a.plural());
        Run run = get(a.alias());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isNotEmpty().isEqualTo(canonical.out());
    }

    @Test
    void anEmptyNamespaceSaysSoOnStderrLikeKubectl() {
        Run run = get("svc", "-n", "nowhere");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("No resources found in nowhere namespace.\n");
    }

    @Test
    void nothingFoundAcrossNamespacesHasNoNamespaceInTheMessage() {
        Run run = get("svc", "-A", "-l", "app=none");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("No resources found\n");
    }

    @Test
    void aMissingObjectIsAnErrorFromServer() {
        Run run = get("svc", "missing");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("Error from server (NotFound): services \"missing\" not found\n");
    }

    @Test
    void jsonIsTheListTheAdminApiServes() {
        Run run = get("svc", "-o", "json");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("{\n").contains("\"kind\" : \"ServiceList\"");
        ServiceList list = Serialization.unmarshal(run.out(), ServiceList.class);
        assertThat(list.getItems()).extracting(s -> s.getMetadata().getName())
                .containsExactly("db", "external", "extip", "lb", "lb-pending", "nodeport", "web");
    }

    @Test
    void jsonOfOneObjectIsTheObject() {
        Service web = Serialization.unmarshal(get("svc", "web", "-o", "json").out(), Service.class);

        assertThat(web.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
    }

    @Test
    void yamlHasNoDocumentMarkerAndReadsBack() {
        Run run = get("svc", "-n", "team-b", "-o", "yaml");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("apiVersion: \"v1\"\n");
        ServiceList list = Serialization.unmarshal(run.out(), ServiceList.class);
        assertThat(list.getItems()).extracting(s -> s.getMetadata().getName()).containsExactly("api");
    }

    static Stream<Case> usageErrors() {
        return Stream.of(
                c("unknown type", "pods", "error: the server doesn't have a resource type \"pods\"\n"),
                c("unknown output", "svc -o name",
                        "error: unable to match a printer suitable for the output format \"name\", allowed formats are: "
                                + "json,wide,yaml\n"),
                c("name across namespaces", "svc web -A",
                        "error: a resource cannot be retrieved by name across all namespaces\n"),
                c("bad admin address", "svc --admin-address=localhost",
                        "error: invalid --admin-address \"localhost\": expected HOST:PORT, e.g. 127.0.0.1:10249\n"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void usageErrorsExitWithOneAndAKubectlLikeMessage(Case c) {
        Run run = get(c.args().toArray(String[]::new));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo(c.expected());
    }

    @Test
    void anUnreachableAdminApiIsExplainedAndExitsWithOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Run run = get("svc", "--admin-address", "127.0.0.1:" + closedPort);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("cannot reach kubeway admin API at 127.0.0.1:" + closedPort
                + ": connection refused (is `kubeway run` running?)\n");
    }

    @Test
    void aCommaListShowsOneTablePerTypeWithQualifiedNamesAsKubectlDoes() {
        String services = get("svc", "-n", "team-b").out();
        String nodes = get("nodes").out();

        Run run = get("services,nodes,ingress", "-n", "team-b");

        assertThat(run.exit()).isZero();
        assertThat(run.err()).isEmpty();
        String[] tables = run.out().split("\n\n");
        assertThat(tables).hasSize(2);
        assertThat(tables[0]).startsWith("NAME ").contains("\nservice/api ");
        assertThat(tables[1]).startsWith("NAME ").contains("\nnode/kubeway-node ").contains("\nnode/spare ");
        // the same rows as each type alone, only the names qualified
        assertThat(tables[1].replace("node/", "").replaceAll(" +", " ").strip())
                .isEqualTo(nodes.strip().replaceAll(" +", " "));
        assertThat(tables[0].replace("service/", "").replaceAll(" +", " ").strip())
                .isEqualTo(services.strip().replaceAll(" +", " "));
    }

    @Test
    void aCommaListOfUnknownTypesNamesTheUnknownOne() {
        Run run = get("svc,pods");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: the server doesn't have a resource type \"pods\"\n");
    }

    @Test
    void aCommaListAsJsonIsOneListOfEveryObject() {
        Run run = get("svc,no", "-n", "team-b", "-o", "json");

        assertThat(run.exit()).isZero();
        io.fabric8.kubernetes.api.model.KubernetesList list = Serialization.unmarshal(run.out(),
                io.fabric8.kubernetes.api.model.KubernetesList.class);
        assertThat(list.getItems()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactly("Service/api", "Node/kubeway-node", "Node/spare");
    }

    @Test
    void helpNamesEveryResourceType() {
        Run run = get("--help");

        assertThat(run.exit()).isZero();
        String help = run.out().replaceAll("\\s+", " ");
        for (GetResource<?> resource : GetResource.ALL) {
            assertThat(help).as(resource.plural()).contains(resource.plural());
        }
        assertThat(help).contains("services,ingress");
    }
}
