package io.kubeway.state;

import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A derived listener map reads exactly as the full map it stands for, through more changes than it overlays. */
class L4MapTest {
    @Test
    void readsAsTheFullMapThroughAdditionsRemovalsAndChangesAcrossFlattening() {
        Random random = new Random(3);
        Map<ListenKey, L4Listener> reference = new HashMap<>();
        for (int i = 0; i < 700; i++) reference.put(key(i), listener(i, "v0"));
        Map<ListenKey, L4Listener> map = Map.copyOf(reference);
        boolean sawOverlay = false;
        boolean sawFlat = false;
        for (int step = 0; step < 3000; step++) {
            Set<ListenKey> changed = new HashSet<>();
            for (int n = random.nextInt(4); n >= 0; n--) {
                int i = random.nextInt(1000);
                changed.add(key(i));
                switch (random.nextInt(3)) {
                    case 0 -> reference.remove(key(i));
                    default -> reference.put(key(i), listener(i, "v" + step));
                }
            }
            Map<ListenKey, L4Listener> before = Map.copyOf(map);
            map = L4Map.derive(map, changed, reference);
            sawOverlay |= map instanceof L4Map;
            sawFlat |= !(map instanceof L4Map) && step > 0;
            assertThat(map).as("step %d", step).isEqualTo(reference);
            assertThat(map.size()).isEqualTo(reference.size());
            for (int i = 0; i < 1000; i += 7) {
                assertThat(map.containsKey(key(i))).isEqualTo(reference.containsKey(key(i)));
                assertThat(map.get(key(i))).isSameAs(reference.get(key(i)));
            }
            assertThat(before).as("the earlier map is unchanged").isNotSameAs(map);
        }
        assertThat(sawOverlay).isTrue();
        assertThat(sawFlat).as("folded into a flat map past %d changed keys", L4Map.MAX_OVERLAY).isTrue();
    }

    private static ListenKey key(int i) {
        return new ListenKey(IpLiterals.of("127.96." + (i / 250) + "." + (i % 250 + 1)), 80, Protocol.TCP);
    }

    private static L4Listener listener(int i, String version) {
        ServicePortName spn = new ServicePortName(new NamespacedName("ns", "svc-" + i), "http", Protocol.TCP);
        return new L4Listener(key(i), spn, "ClusterIP", new Cluster(spn + "/" + version, List.of(), 0), List.of());
    }
}
