package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

import java.net.InetAddress;
import java.util.List;

/** The one Node of a standalone run when the manifests declare none: this machine. */
final class LocalNode {
    private LocalNode() {
    }

    static Node of(String name, List<InetAddress> addresses) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).endMetadata();
        var status = b.withNewStatus();
        status.addNewAddress().withType("Hostname").withAddress(name).endAddress();
        for (InetAddress a : addresses) {
            status.addNewAddress().withType("InternalIP").withAddress(a.getHostAddress()).endAddress();
        }
        status.addNewCondition().withType("Ready").withStatus("True").withReason("KubewayReady")
                .withMessage("kubeway is serving").endCondition();
        status.withNewNodeInfo().withKubeProxyVersion("kubeway").withKubeletVersion("kubeway")
                .withOperatingSystem("linux").withArchitecture(System.getProperty("os.arch")).endNodeInfo();
        return status.endStatus().build();
    }
}
