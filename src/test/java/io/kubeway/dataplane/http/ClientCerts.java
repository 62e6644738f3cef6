package io.kubeway.dataplane.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Client-certificate material made with the {@code openssl} command, as an operator would: CAs, intermediates,
 * client certificates (files, for {@code curl --cert/--key}), revocations and the CRL ({@code openssl ca}).
 */
final class ClientCerts {
    final Path dir;

    ClientCerts() {
        try {
            dir = Files.createTempDirectory("kubeway-client-certs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A self-signed CA {@code name} (files {@code name.crt}, {@code name.key}, and its {@code openssl ca} state). */
    Path ca(String name) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                "-days", "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        write(name + ".cnf", cnf(name));
        write(name + ".index", "");
        write(name + ".crlnumber", "01\n");
        write(name + ".ca-serial", "7E570001\n"); // apart from the random serials of openssl x509
        return dir.resolve(name + ".crt");
    }

    private static String cnf(String name) {
        return "[ ca ]\ndefault_ca = d\n[ d ]\ndatabase = " + name + ".index\ncrlnumber = " + name
                + ".crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\nnew_certs_dir = .\nserial = " + name
                + ".ca-serial\npolicy = p\n[ p ]\ncommonName = supplied\n";
    }

    /** An intermediate CA {@code name} signed by {@code issuer}. */
    Path intermediate(String name, String issuer) {
        write(name + ".ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        sign(name, "/CN=" + name, issuer, name + ".ext", "-days", "2");
        write(name + ".cnf", cnf(name));
        write(name + ".index", "");
        write(name + ".crlnumber", "01\n");
        write(name + ".ca-serial", "7E570001\n");
        return dir.resolve(name + ".crt");
    }

    /** A client certificate {@code name} with {@code subject} (openssl's {@code /A=b/C=d} form), signed by {@code issuer}. */
    Path client(String name, String subject, String issuer, String... extensions) {
        write(name + ".ext", extensions.length == 0 ? "basicConstraints=CA:FALSE\n" : String.join("\n", extensions) + "\n");
        sign(name, subject, issuer, name + ".ext", "-days", "2");
        return dir.resolve(name + ".crt");
    }

    /** A client certificate whose validity ended before now. */
    Path expired(String name, String issuer) {
        write(name + ".ext", "basicConstraints=CA:FALSE\n");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
                "/CN=" + name);
        openssl("ca", "-config", issuer + ".cnf", "-batch", "-notext", "-keyfile", issuer + ".key", "-cert",
                issuer + ".crt", "-in", name + ".csr", "-out", name + ".crt", "-extfile", name + ".ext",
                "-startdate", "20200101000000Z", "-enddate", "20200102000000Z");
        return dir.resolve(name + ".crt");
    }

    private void sign(String name, String subject, String issuer, String ext, String... validity) {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-utf8", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", subject);
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt",
                "-CAkey", issuer + ".key", "-CAcreateserial", "-out", name + ".crt", "-extfile", ext));
        args.addAll(List.of(validity));
        openssl(args.toArray(String[]::new));
    }

    /** Revokes {@code name}'s certificate at {@code issuer} and returns the issuer's new CRL (PEM). */
    String revoke(String name, String issuer) {
        openssl("ca", "-config", issuer + ".cnf", "-keyfile", issuer + ".key", "-cert", issuer + ".crt", "-revoke",
                name + ".crt");
        return crl(issuer);
    }

    /** {@code issuer}'s current CRL (PEM). */
    String crl(String issuer) {
        openssl("ca", "-config", issuer + ".cnf", "-keyfile", issuer + ".key", "-cert", issuer + ".crt", "-gencrl",
                "-out", issuer + ".crl");
        return read(issuer + ".crl");
    }

    String read(String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path(String file) {
        return dir.resolve(file);
    }

    private void write(String file, String text) {
        try {
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs openssl in {@link #dir}; its output. */
    String openssl(String... args) {
        return run("openssl", args);
    }

    String run(String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 && !command.equals("curl")) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
