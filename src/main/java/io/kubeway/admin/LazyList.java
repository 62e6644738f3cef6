package io.kubeway.admin;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Supplier;

/**
 * An immutable list computed on first use, then kept. The admin view's listener list is one: sorting 10,000
 * listeners after every sync cost a tenth of the sync thread at scale, for a list read only when someone asks.
 * The supplier must depend only on immutable inputs (it may run on an admin thread, after later syncs).
 */
public final class LazyList<T> extends AbstractList<T> implements RandomAccess {
    private final Supplier<List<T>> supplier;
    private volatile List<T> value;

    public LazyList(Supplier<List<T>> supplier) {
        this.supplier = supplier;
    }

    private List<T> value() {
        List<T> v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = List.copyOf(supplier.get());
                    value = v;
                }
            }
        }
        return v;
    }

    @Override
    public T get(int index) {
        return value().get(index);
    }

    @Override
    public int size() {
        return value().size();
    }
}
