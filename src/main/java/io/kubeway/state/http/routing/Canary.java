package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A canary Ingress's alternative backend for a route (ingress-nginx's {@code canary: "true"}). Rules are tried
 * in ingress-nginx's order, the first that decides wins:
 * <ol>
 *   <li>{@code header}: with {@code headerValue}, a request carrying exactly that value goes to the canary;
 *       with {@code headerPattern}, a value the regular expression finds a match in goes to the canary;
 *       otherwise {@code always} means canary and {@code never} means main. Any other value, or no header,
 *       falls through.</li>
 *   <li>{@code cookie}: {@code always} means canary, {@code never} means main, anything else falls through.</li>
 *   <li>weight: a uniform draw in {@code [0, weightTotal)} below {@code weight} goes to the canary.</li>
 * </ol>
 *
 * @param ingress {@code ns/name} of the canary Ingress, reported in the decision
 */
public record Canary(String ingress, Backend backend, @Nullable String header, @Nullable String headerValue,
                     @Nullable String headerPattern, @Nullable String cookie, int weight, int weightTotal) {
    public Canary {
        requireNonNull(ingress, "ingress");
        requireNonNull(backend, "backend");
        if (weightTotal < 1 || weight < 0 || weight > weightTotal) {
            throw new IllegalArgumentException("canary weight " + weight + " of " + weightTotal);
        }
        if (headerPattern != null) {
            java.util.regex.Pattern.compile(headerPattern); // fails early, as the table is built
        }
    }
}
