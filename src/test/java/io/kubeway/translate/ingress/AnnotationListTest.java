package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.Problem;
import io.kubeway.state.http.RouteDecision;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/annotations.md's list of every ingress-nginx annotation says what Kubeway does with each; this checks it
 * against the translation, name by name: a supported one is never reported as unsupported, one that fails closed
 * closes the routes, one that is ignored gets its UnsupportedAnnotation warning and leaves the routes open.
 */
class AnnotationListTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (supported|fails closed|ignored \\(warning\\)) \\|");

    record Entry(String name, String status) {
    }

    static List<Entry> documented() throws IOException {
        String doc = Files.readString(Path.of("docs/annotations.md"));
        int start = doc.indexOf("## Every annotation of ingress-nginx's reference");
        int end = doc.indexOf("\n## ", start + 1);
        List<Entry> out = new ArrayList<>();
        for (String line : doc.substring(start, end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) out.add(new Entry(m.group(1), m.group(2)));
        }
        return out;
    }

    @Test
    void theListMatchesWhatTheTranslationDoes() throws IOException {
        List<Entry> entries = documented();
        assertThat(entries).hasSize(134);
        List<String> wrong = new ArrayList<>();
        for (Entry e : entries) {
            String value = e.name().startsWith("enable-") ? "true" : "x";
            Ingress ing = Fixtures.ingress("app", b -> b.editMetadata().withAnnotations(
                    Map.of("nginx.ingress.kubernetes.io/" + e.name(), value)).endMetadata());
            IngressTranslation t = Fixtures.translate(List.of(ing));
            boolean unsupported = t.problems().stream().map(Problem::reason)
                    .anyMatch(AnnotationReader.UNSUPPORTED::equals);
            RouteDecision d = t.http().router().route(Fixtures.req("/"));
            boolean closed = d instanceof RouteDecision.Respond r && r.status() == 503;
            // A supported access restriction also closes the routes, for its bad value "x"; it is never unsupported.
            boolean honoured = AccessRestrictions.HONOURED.contains(e.name());
            String actual = closed && !honoured ? "fails closed" : unsupported ? "ignored (warning)" : "supported";
            if (!actual.equals(e.status())) wrong.add(e.name() + ": documented " + e.status() + ", is " + actual);
        }
        assertThat(wrong).isEmpty();
    }
}
