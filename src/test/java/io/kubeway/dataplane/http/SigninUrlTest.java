package io.kubeway.dataplane.http;

import io.kubeway.state.http.ExternalAuth;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in redirect as ingress-nginx's buildAuthSignURL and set_escape_uri make it. */
class SigninUrlTest {
    private static String build(String signin, String param) {
        ExternalAuth spec = new ExternalAuth("http://a/", false, "a", 80, "a", "/", null, signin, param, List.of(),
                null);
        return SigninUrl.build(spec, "https", "app.example.com", "/docs/a b?x=1&y=ü");
    }

    @Test
    void appendsTheRedirectParameterUnlessTheUrlHasIt() {
        String rd = "https://app.example.com%2Fdocs%2Fa%20b%3Fx%3D1%26y%3D%C3%BC";
        assertThat(build("https://auth.example.com/start", "rd")).isEqualTo("https://auth.example.com/start?rd=" + rd);
        assertThat(build("https://auth.example.com/start?", "rd")).isEqualTo("https://auth.example.com/start?rd=" + rd);
        assertThat(build("https://auth.example.com/start?a=1", "return_to"))
                .isEqualTo("https://auth.example.com/start?a=1&return_to=" + rd);
        assertThat(build("https://$host/oauth2/start?rd=$escaped_request_uri", "rd"))
                .isEqualTo("https://app.example.com/oauth2/start?rd=%2Fdocs%2Fa%20b%3Fx%3D1%26y%3D%C3%BC");
        assertThat(build("https://auth.example.com/start?rd=", "rd")).as("an empty value is no value (Go's Get)")
                .isEqualTo("https://auth.example.com/start?rd=&rd=" + rd);
        assertThat(build("/oauth2/start?next=${scheme}://${http_host}$request_uri", "rd"))
                .isEqualTo("/oauth2/start?next=https://app.example.com/docs/a b?x=1&y=ü&rd=" + rd);
    }
}
