package io.kubeway.state.http.routing;

import io.kubeway.testing.Htpasswd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Every hash format nginx's auth_basic accepts, made by Debian's htpasswd where it can make them. */
class PasswordHashesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "htpasswd {0}")
    @ValueSource(strings = {"-B", "-m", "-s", "-d", "-2", "-5", ""})
    void htpasswdHashesMatchOnlyTheirPassword(String flag) {
        String hash = Htpasswd.hash(flag, "alice", "s3cret pw");
        assertThat(PasswordHashes.supported(hash)).as(hash).isTrue();
        String password = flag.equals("-d") ? "s3cret p" : "s3cret pw"; // DES crypt reads 8 characters
        assertThat(PasswordHashes.matches(hash, b(password))).as(hash).isTrue();
        assertThat(PasswordHashes.matches(hash, b("s3cret PW"))).as(hash).isFalse();
        assertThat(PasswordHashes.matches(hash, b(""))).as(hash).isFalse();
    }

    @Test
    void bcryptPrefixesAreTheSameAlgorithm() {
        String y = Htpasswd.hash("-B", "alice", "pw");
        for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
            String hash = prefix + y.substring(4);
            assertThat(PasswordHashes.matches(hash, b("pw"))).as(hash).isTrue();
            assertThat(PasswordHashes.matches(hash, b("pW"))).as(hash).isFalse();
        }
    }

    @Test
    void bcryptReadsOnly72Bytes() {
        String hash = Htpasswd.hash("-B", "alice", "x".repeat(100));
        assertThat(PasswordHashes.matches(hash, b("x".repeat(100)))).isTrue();
        assertThat(PasswordHashes.matches(hash, b("x".repeat(72)))).as("bcrypt reads 72 bytes, as crypt() does")
                .isTrue();
        assertThat(PasswordHashes.matches(hash, b("x".repeat(71)))).isFalse();
    }

    @Test
    void nginxSchemesSshaAndPlain() throws Exception {
        byte[] salt = b("NaCl");
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(b("pw"));
        sha1.update(salt);
        byte[] digest = sha1.digest();
        byte[] both = new byte[digest.length + salt.length];
        System.arraycopy(digest, 0, both, 0, digest.length);
        System.arraycopy(salt, 0, both, digest.length, salt.length);
        String ssha = "{SSHA}" + Base64.getEncoder().encodeToString(both);
        assertThat(PasswordHashes.matches(ssha, b("pw"))).isTrue();
        assertThat(PasswordHashes.matches(ssha, b("pw2"))).isFalse();
        assertThat(PasswordHashes.matches("{PLAIN}pw", b("pw"))).isTrue();
        assertThat(PasswordHashes.matches("{PLAIN}pw", b("p"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "pw", "$2y$05$short", "$2y$99$V45CiMEdb8rW5B2fTvT3BOsRk1ECTDYVOLb9iynrbp97.tLjYQlBm",
            "$apr1$", "$apr1$NZ5HJiIX$", "{SHA}not base64!", "{SSHA}AAAA", "$7$unknown", "$6$"})
    void malformedHashesNeverMatchAndNeverThrow(String hash) {
        assertThat(PasswordHashes.matches(hash, b("pw"))).isFalse();
        assertThat(PasswordHashes.matches(hash, b(""))).isFalse();
    }

    @Test
    void workFactorsThatWouldStallAnEventLoopAreRefused() {
        String cost13 = Htpasswd.hash("-B", "alice", "pw").replace("$2y$05$", "$2y$13$");
        assertThat(PasswordHashes.supported(cost13)).isFalse();
        assertThat(PasswordHashes.matches(cost13, b("pw"))).isFalse();
        String rounds = Htpasswd.hash("-5", "alice", "pw");
        assertThat(PasswordHashes.supported(rounds)).isTrue();
        String many = "$6$rounds=100001$" + rounds.substring(3);
        assertThat(PasswordHashes.supported(many)).isFalse();
        assertThat(PasswordHashes.matches(many, b("pw"))).isFalse();
        String allowed = "$6$rounds=6000$abcdefgh$";
        assertThat(PasswordHashes.supported(allowed)).isTrue();
    }
}
