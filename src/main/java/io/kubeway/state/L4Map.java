package io.kubeway.state;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable listener map made from an earlier one and a few changes, without copying the earlier one: lookups
 * look at the changes first, then at the base. Each {@link DesiredState} needs an immutable map of every listener,
 * and copying 10,000 entries for each endpoint change was the largest single cost left in an incremental sync. The
 * changes are folded into a fresh flat map once they exceed {@link #MAX_OVERLAY} (amortised: one full copy per that
 * many changed keys), so a lookup never goes more than one level deep.
 */
public final class L4Map extends AbstractMap<ListenKey, L4Listener> {
    /** Changed keys kept beside the base before the map is flattened. */
    static final int MAX_OVERLAY = 512;

    private final Map<ListenKey, L4Listener> base;
    /** Changed keys: a listener, or null where the key was removed. */
    private final Map<ListenKey, L4Listener> overlay;
    private final int size;
    private Set<Entry<ListenKey, L4Listener>> entries;

    private L4Map(Map<ListenKey, L4Listener> base, Map<ListenKey, L4Listener> overlay, int size) {
        this.base = base;
        this.overlay = overlay;
        this.size = size;
    }

    /**
     * {@code previous} with each of {@code changed}'s keys set to what {@code current} holds (absent: removed).
     * {@code previous} must be immutable (a map a {@link DesiredState} holds); {@code current} is only read here.
     */
    public static Map<ListenKey, L4Listener> derive(Map<ListenKey, L4Listener> previous, Set<ListenKey> changed,
                                                    Map<ListenKey, L4Listener> current) {
        Map<ListenKey, L4Listener> base = previous;
        Map<ListenKey, L4Listener> overlay = new HashMap<>();
        if (previous instanceof L4Map m) {
            base = m.base;
            overlay.putAll(m.overlay);
        }
        for (ListenKey k : changed) {
            L4Listener l = current.get(k);
            if (l == null && !base.containsKey(k)) overlay.remove(k);
            else if (l != null && l == base.get(k)) overlay.remove(k);
            else overlay.put(k, l);
        }
        if (overlay.size() > MAX_OVERLAY) {
            return Map.copyOf(current);
        }
        int size = base.size();
        for (var e : overlay.entrySet()) {
            boolean inBase = base.containsKey(e.getKey());
            if (e.getValue() == null && inBase) size--;
            else if (e.getValue() != null && !inBase) size++;
        }
        return new L4Map(base, java.util.Collections.unmodifiableMap(overlay), size);
    }

    @Override
    public L4Listener get(Object key) {
        if (overlay.containsKey(key)) return overlay.get(key);
        return base.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        if (overlay.containsKey(key)) return overlay.get(key) != null;
        return base.containsKey(key);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<ListenKey, L4Listener>> entrySet() {
        if (entries == null) {
            entries = new AbstractSet<>() {
                @Override
                public Iterator<Entry<ListenKey, L4Listener>> iterator() {
                    return new Iterator<>() {
                        final Iterator<Entry<ListenKey, L4Listener>> fromBase = base.entrySet().iterator();
                        final Iterator<Entry<ListenKey, L4Listener>> fromOverlay = overlay.entrySet().iterator();
                        Entry<ListenKey, L4Listener> next = advance();

                        private Entry<ListenKey, L4Listener> advance() {
                            while (fromBase.hasNext()) {
                                Entry<ListenKey, L4Listener> e = fromBase.next();
                                if (!overlay.containsKey(e.getKey())) return e;
                            }
                            while (fromOverlay.hasNext()) {
                                Entry<ListenKey, L4Listener> e = fromOverlay.next();
                                if (e.getValue() != null) return Map.entry(e.getKey(), e.getValue());
                            }
                            return null;
                        }

                        @Override
                        public boolean hasNext() {
                            return next != null;
                        }

                        @Override
                        public Entry<ListenKey, L4Listener> next() {
                            if (next == null) throw new NoSuchElementException();
                            Entry<ListenKey, L4Listener> e = next;
                            next = advance();
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
        return entries;
    }
}
