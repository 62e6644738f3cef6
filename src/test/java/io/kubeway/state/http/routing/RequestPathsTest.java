package io.kubeway.state.http.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPathsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
            "/, /",
            "/a/b, /a/b",
            "/a/b/, /a/b/",
            "//a///b, /a/b",
            "/a/./b, /a/b",
            "/a/b/., /a/b/",
            "/a/../b, /b",
            "/a/b/.., /a/",
            "/.., NULL",
            "/a/../../b, NULL",
            "/%41%2fb, /A/b",
            "/%2e%2e/x, NULL",
            "/caf%C3%A9, /café",
            "/%, NULL",
            "/%4, NULL",
            "/%zz, NULL",
            "/a%00b, NULL",
            "a/b, NULL",
            "/.hidden/..x, /.hidden/..x",
    })
    void normalize(String raw, String expected) {
        assertThat(RequestPaths.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void normalPathsAreReturnedAsIs() {
        String p = "/api/v1/users";
        assertThat(RequestPaths.normalize(p)).isSameAs(p);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/a/b, /a/b",
            "/a b, /a%20b",
            "/café, /caf%C3%A9",
            "/50%, /50%25",
            "/a?b, /a%3Fb",
            "/~user/(x):@!$&'*+;=, /~user/(x):@!$&'*+;=",
    })
    void encode(String path, String expected) {
        assertThat(RequestPaths.encode(path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} matches {0}: {2}")
    @CsvSource({
            "/foo, /, true",
            "/foo, /foo, true",
            "/foo/, /foo, true",
            "/foo/bar, /foo, true",
            "/foobar, /foo, false",
            "/fo, /foo, false",
            "/foo/bar, /foo/bar, true",
            "/foo/barbaz, /foo/bar, false",
    })
    void prefixMatchesElementWise(String path, String key, boolean expected) {
        assertThat(RequestPaths.prefixMatches(path, key)).isEqualTo(expected);
    }
}
