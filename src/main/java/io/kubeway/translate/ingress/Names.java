package io.kubeway.translate.ingress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string checks of {@code k8s.io/apimachinery/pkg/util/validation} (and {@code api/validate/content} for
 * label keys and values) that Ingress validation uses, returning the API server's messages word for word; an
 * empty list means valid. Lengths are UTF-8 bytes, as Go's {@code len}.
 */
final class Names {
    private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*";
    private static final String WILDCARD_FMT = "\\*\\." + SUBDOMAIN_FMT;
    private static final String DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String VALUE_FMT = "(" + KEY_FMT + ")?";

    private static final Pattern LABEL = Pattern.compile(LABEL_FMT);
    private static final Pattern SUBDOMAIN = Pattern.compile(SUBDOMAIN_FMT);
    private static final Pattern WILDCARD = Pattern.compile(WILDCARD_FMT);
    private static final Pattern DNS1035 = Pattern.compile(DNS1035_FMT);
    private static final Pattern KEY = Pattern.compile(KEY_FMT);
    private static final Pattern VALUE = Pattern.compile(VALUE_FMT);
    private static final Pattern PORT_NAME_CHARS = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*", Pattern.DOTALL);

    private static final String LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
            + " characters or '-', and must start and end with an alphanumeric character";
    private static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case"
            + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private static final String WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a"
            + " valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end"
            + " with an alphanumeric character";
    private static final String DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters"
            + " or '-', start with an alphabetic character, and end with an alphanumeric character";
    private static final String KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start"
            + " and end with an alphanumeric character";
    private static final String VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric"
            + " characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private Names() {
    }

    /** {@code IsDNS1123Subdomain}: Ingress, IngressClass and Secret names, hosts. */
    static List<String> dns1123Subdomain(String v) {
        List<String> errs = new ArrayList<>();
        if (bytes(v) > 253) errs.add(maxLen(253));
        if (!SUBDOMAIN.matcher(v).matches()) errs.add(regexError(SUBDOMAIN_MSG, SUBDOMAIN_FMT, "example.com"));
        return errs;
    }

    /** {@code IsWildcardDNS1123Subdomain}: {@code *.example.com} hosts. */
    static List<String> wildcardDns1123Subdomain(String v) {
        List<String> errs = new ArrayList<>();
        if (bytes(v) > 253) errs.add(maxLen(253));
        if (!WILDCARD.matcher(v).matches()) errs.add(regexError(WILDCARD_MSG, WILDCARD_FMT, "*.example.com"));
        return errs;
    }

    /** {@code IsDNS1123Label}: namespaces. */
    static List<String> dns1123Label(String v) {
        List<String> errs = new ArrayList<>();
        if (bytes(v) > 63) errs.add(maxLen(63));
        if (!LABEL.matcher(v).matches()) {
            errs.add(SUBDOMAIN.matcher(v).matches() ? "must not contain dots"
                    : regexError(LABEL_MSG, LABEL_FMT, "my-name", "123-abc"));
        }
        return errs;
    }

    /** {@code IsDNS1035Label}: backend Service names ({@code ValidateServiceName}). */
    static List<String> dns1035Label(String v) {
        List<String> errs = new ArrayList<>();
        if (bytes(v) > 63) errs.add(maxLen(63));
        if (!DNS1035.matcher(v).matches()) errs.add(regexError(DNS1035_MSG, DNS1035_FMT, "my-name", "abc-123"));
        return errs;
    }

    /** {@code IsValidPortName}: backend port names. */
    static List<String> portName(String port) {
        List<String> errs = new ArrayList<>();
        if (bytes(port) > 15) errs.add(maxLen(15));
        if (!PORT_NAME_CHARS.matcher(port).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!HAS_LETTER.matcher(port).matches()) errs.add("must contain at least one letter (a-z)");
        if (port.contains("--")) errs.add("must not contain consecutive hyphens");
        if (!port.isEmpty() && (port.startsWith("-") || port.endsWith("-"))) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    /** {@code IsValidPortNum}. */
    static List<String> portNumber(int port) {
        return port >= 1 && port <= 65535 ? List.of() : List.of("must be between 1 and 65535, inclusive");
    }

    /** {@code content.IsLabelKey}: label and annotation keys (an optional DNS subdomain prefix and a name). */
    static List<String> qualifiedName(String value) {
        List<String> errs = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            name = parts[1];
            if (parts[0].isEmpty()) {
                errs.add("prefix part must be non-empty");
            } else {
                if (bytes(parts[0]) > 253) errs.add("prefix part must be no more than 253 bytes");
                if (!SUBDOMAIN.matcher(parts[0]).matches()) {
                    errs.add("prefix part " + regexError(SUBDOMAIN_MSG, SUBDOMAIN_FMT, "example.com"));
                }
            }
        } else {
            errs.add("a valid label key " + regexError(KEY_MSG, KEY_FMT, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (bytes(name) > 63) {
            errs.add("name part must be no more than 63 bytes");
        }
        if (!KEY.matcher(name).matches()) {
            errs.add("name part " + regexError(KEY_MSG, KEY_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    /** {@code content.IsLabelValue}. */
    static List<String> labelValue(String v) {
        List<String> errs = new ArrayList<>();
        if (bytes(v) > 63) errs.add("must be no more than 63 bytes");
        if (!VALUE.matcher(v).matches()) errs.add(regexError(VALUE_MSG, VALUE_FMT, "MyValue", "my_value", "12345"));
        return errs;
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String maxLen(int n) {
        return "must be no more than " + n + " characters";
    }

    /** {@code RegexError}, including upstream's doubled space before "or". */
    private static String regexError(String msg, String fmt, String... examples) {
        StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) sb.append(" or ");
            sb.append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '").append(fmt).append("')").toString();
    }
}
