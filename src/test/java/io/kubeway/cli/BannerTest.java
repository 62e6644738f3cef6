package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubeway.admin.ClusterView;
import io.kubeway.admin.ListenerStatus;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BannerTest {
    private static Service nodePort(String name, String clusterIp, int nodePort) {
        return new ServiceBuilder().withNewMetadata().withNamespace("default").withName(name).endMetadata()
                .withNewSpec().withType("NodePort").withClusterIP(clusterIp).addNewPort().withPort(80)
                .withProtocol("TCP").withNodePort(nodePort).endPort().endSpec().build();
    }

    private static ListenerStatus listener(String address, String error) {
        return new ListenerStatus(address, "NodePort", "default/x:80/TCP", "c", List.of(), error);
    }

    @Test
    void failedListenersAreListedAndGetNoTryLine() {
        String busy = "bind 127.0.0.1:30080/TCP: Address already in use";
        ClusterView view = new ClusterView(List.of(nodePort("web", "127.96.0.10", 30080),
                nodePort("api", "127.96.0.11", 30081)), List.of(), List.of(), List.of(), true,
                List.of(listener("127.0.0.1:30080/TCP", busy), listener("127.0.0.1:30081/TCP", null)), List.of(),
                List.of(ClusterView.listenerNotReady("127.0.0.1:30080/TCP", busy),
                        ClusterView.listenerNotReady("127.0.0.1:8080/TCP", "bind 127.0.0.1:8080/TCP: Address already in use")));
        Banner banner = new Banner(List.of("examples/quickstart"), "epoll", new InetSocketAddress("127.0.0.1", 10249),
                List.of(IpLiterals.of("192.0.2.1"), IpLiterals.of("127.0.0.1")),
                new InetSocketAddress(IpLiterals.of("127.0.0.1"), 8080));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        banner.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), view);

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                kubeway is serving [examples/quickstart] (data plane: epoll, admin API: http://127.0.0.1:10249)
                Not serving (kubeway get events, curl http://127.0.0.1:10249/readyz):
                  listener 127.0.0.1:30080/TCP: failed to bind: bind 127.0.0.1:30080/TCP: Address already in use
                  listener 127.0.0.1:8080/TCP: failed to bind: bind 127.0.0.1:8080/TCP: Address already in use
                Try:
                  curl http://127.96.0.10:80/        # ClusterIP of default/web (NodePort)
                  curl http://127.96.0.11:80/        # ClusterIP of default/api (NodePort)
                  curl http://127.0.0.1:30081/        # NodePort of default/api
                  ./kubeway get services,   ./kubeway get ingress,   ./kubeway get endpointslices,   ./kubeway get events
                """);
    }
}
