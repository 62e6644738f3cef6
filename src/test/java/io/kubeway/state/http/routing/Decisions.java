package io.kubeway.state.http.routing;

import io.kubeway.state.http.RouteDecision;
import io.kubeway.testing.DecisionText;

import java.util.random.RandomGenerator;

/** Compact renderings of decisions for table-driven expectations, and a fixed random source. */
final class Decisions {
    private Decisions() {
    }

    /** {@link DecisionText#render} with the short service name ({@code web}) for clusters. */
    static String render(RouteDecision d) {
        return DecisionText.render(d, f -> Tables.describe(f));
    }

    /** Always draws {@code value} (modulo the bound). */
    record FixedRandom(int value) implements RandomGenerator {
        @Override
        public long nextLong() {
            return value;
        }

        @Override
        public int nextInt(int bound) {
            return value % bound;
        }
    }
}
