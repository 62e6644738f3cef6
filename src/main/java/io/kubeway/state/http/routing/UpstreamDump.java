package io.kubeway.state.http.routing;

import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.UpstreamPolicy.Case;

import java.util.ArrayList;
import java.util.List;

/** The {@link UpstreamPolicy} part of {@link RouteDump}'s lines. */
final class UpstreamDump {
    private UpstreamDump() {
    }

    static List<String> of(UpstreamPolicy u) {
        List<String> out = new ArrayList<>();
        if (u.errorPages() != null) {
            var e = u.errorPages();
            out.add("error-pages=" + new java.util.TreeSet<>(e.codes()) + " -> "
                    + (e.backend() == null ? "built-in 404" : e.backend().name() + " " + e.backend().endpoints().size()
                    + " endpoints"));
        }
        if (u.nextUpstream() != null) {
            var n = u.nextUpstream();
            out.add("next-upstream=" + (n.when().isEmpty() ? "off"
                    : String.join(" ", n.when().stream().sorted().map(Case::text).toList()))
                    + " tries=" + n.tries() + " timeout=" + n.timeout().toSeconds() + "s");
        }
        if (u.whenNoEndpoints() != null) out.add("default-backend=" + u.whenNoEndpoints().name());
        if (u.mirror() != null) {
            out.add("mirror=" + u.mirror().url() + " host=" + u.mirror().authority()
                    + (u.mirror().requestBody() ? "" : " without-body"));
        }
        if (u.ewma()) out.add("load-balance=ewma");
        if (u.hashSubsetSize() > 0) out.add("hash-subset=" + u.hashSubsetSize());
        return out;
    }
}
