package io.kubeway.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string formats of {@code k8s.io/apimachinery/pkg/util/validation} and {@code .../api/validate/content}
 * (DNS-1123 labels and subdomains, DNS-1035 labels, qualified names, label keys and values, port names and
 * numbers), each returning the API server's detail messages word for word; an empty list means valid.
 *
 * <p>Lengths are counted in UTF-8 bytes, as Go's {@code len(string)} does. Two length messages exist upstream:
 * the helpers of {@code util/validation} say "characters" ({@code MaxLenError}), the newer {@code content}
 * helpers behind label keys and values say "bytes"; each check below uses the one its source uses. For the
 * same reason qualified names come twice: {@link #qualifiedName} ({@code IsQualifiedName}, still used for
 * EndpointSlice fields) and {@link #labelKey} ({@code content.IsLabelKey}), which differ only in wording.
 */
public final class KubeNames {
    /** {@code DNS1123LabelMaxLength} (and the DNS-1035 label maximum). */
    public static final int DNS_LABEL_MAX_LENGTH = 63;
    /** {@code DNS1123SubdomainMaxLength}. */
    public static final int DNS_SUBDOMAIN_MAX_LENGTH = 253;
    /** The maximum of a label key's name part and of a label value. */
    public static final int LABEL_NAME_MAX_LENGTH = 63;
    /** The maximum of an IANA_SVC_NAME. */
    public static final int PORT_NAME_MAX_LENGTH = 15;

    private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case"
            + " alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
    private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower"
            + " case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private static final String WILDCARD_FMT = "\\*\\." + DNS1123_SUBDOMAIN_FMT;
    private static final String WILDCARD_MSG = "a wildcard DNS-1123 subdomain must start with '*.', followed by a"
            + " valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end"
            + " with an alphanumeric character";
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric"
            + " characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private static final String LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and"
            + " must start and end with an alphanumeric character";
    private static final String LABEL_VALUE_FMT = "(" + LABEL_KEY_FMT + ")?";
    private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of"
            + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
    private static final Pattern WILDCARD = Pattern.compile(WILDCARD_FMT);
    private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
    private static final Pattern LABEL_KEY = Pattern.compile(LABEL_KEY_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
    private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");
    private static final Pattern ONE_LETTER = Pattern.compile(".*[a-z].*", Pattern.DOTALL);

    private KubeNames() {
    }

    /** {@code IsDNS1123Label}: namespaces, port names, hostnames. */
    public static List<String> dns1123Label(String value) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS_LABEL_MAX_LENGTH) {
            errs.add(maxLenCharacters(DNS_LABEL_MAX_LENGTH));
        }
        if (!DNS1123_LABEL.matcher(value).matches()) {
            // A valid subdomain that is not a valid label can only be failing on its dots.
            errs.add(DNS1123_SUBDOMAIN.matcher(value).matches()
                    ? "must not contain dots"
                    : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc"));
        }
        return errs;
    }

    /** {@code IsDNS1123Subdomain} of {@code util/validation}: object names, externalName, hosts, node names. */
    public static List<String> dns1123Subdomain(String value) {
        return dns1123Subdomain(value, maxLenCharacters(DNS_SUBDOMAIN_MAX_LENGTH));
    }

    /** {@code IsWildcardDNS1123Subdomain}: {@code *.example.com} hosts. */
    public static List<String> wildcardDns1123Subdomain(String value) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS_SUBDOMAIN_MAX_LENGTH) {
            errs.add(maxLenCharacters(DNS_SUBDOMAIN_MAX_LENGTH));
        }
        if (!WILDCARD.matcher(value).matches()) {
            errs.add(regexError(WILDCARD_MSG, WILDCARD_FMT, "*.example.com"));
        }
        return errs;
    }

    /** {@code IsDNS1035Label}: Service names. */
    public static List<String> dns1035Label(String value) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS_LABEL_MAX_LENGTH) {
            errs.add(maxLenCharacters(DNS_LABEL_MAX_LENGTH));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errs.add(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errs;
    }

    /**
     * {@code content.IsLabelKey}: label and annotation keys, Service appProtocol and loadBalancerClass. An
     * optional DNS-subdomain prefix, a '/', and a name; lengths reported in bytes.
     */
    public static List<String> labelKey(String value) {
        return keyLike(value, "a valid label key ", maxLenBytes(DNS_SUBDOMAIN_MAX_LENGTH),
                maxLenBytes(LABEL_NAME_MAX_LENGTH));
    }

    /**
     * {@code IsQualifiedName} of {@code util/validation}: the same syntax as {@link #labelKey}, worded "a
     * qualified name" with lengths in "characters" (EndpointSlice labels and appProtocol).
     */
    public static List<String> qualifiedName(String value) {
        return keyLike(value, "a qualified name ", maxLenCharacters(DNS_SUBDOMAIN_MAX_LENGTH),
                maxLenCharacters(LABEL_NAME_MAX_LENGTH));
    }

    /** {@code content.IsLabelValue}: label values, lengths in bytes. */
    public static List<String> labelValue(String value) {
        return labelValue(value, maxLenBytes(LABEL_NAME_MAX_LENGTH));
    }

    /** {@code IsValidLabelValue} of {@code util/validation}: as {@link #labelValue}, lengths in "characters". */
    public static List<String> validLabelValue(String value) {
        return labelValue(value, maxLenCharacters(LABEL_NAME_MAX_LENGTH));
    }

    /** {@code IsValidPortName}: an IANA_SVC_NAME, used for named target and backend ports. */
    public static List<String> portName(String port) {
        List<String> errs = new ArrayList<>();
        if (byteLength(port) > PORT_NAME_MAX_LENGTH) {
            errs.add(maxLenCharacters(PORT_NAME_MAX_LENGTH));
        }
        if (!PORT_NAME_CHARSET.matcher(port).matches()) {
            errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!ONE_LETTER.matcher(port).matches()) {
            errs.add("must contain at least one letter (a-z)");
        }
        if (port.contains("--")) {
            errs.add("must not contain consecutive hyphens");
        }
        if (!port.isEmpty() && (port.startsWith("-") || port.endsWith("-"))) {
            errs.add("must not begin or end with a hyphen");
        }
        return errs;
    }

    /** {@code IsValidPortNum}: 1..65535. */
    public static List<String> portNum(int port) {
        return 1 <= port && port <= 65535 ? List.of() : List.of(inclusiveRange(1, 65535));
    }

    /** {@code InclusiveRangeError}. */
    public static String inclusiveRange(int lo, int hi) {
        return "must be between " + lo + " and " + hi + ", inclusive";
    }

    /** The length Go's {@code len(string)} reports: UTF-8 bytes. */
    public static int byteLength(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static List<String> keyLike(String value, String wholeName, String prefixTooLong, String nameTooLong) {
        List<String> errs = new ArrayList<>();
        // Go's strings.Split keeps empty parts, as split with a negative limit does.
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                errs.add("prefix part must be non-empty");
            } else {
                for (String msg : dns1123Subdomain(prefix, prefixTooLong)) {
                    errs.add("prefix part " + msg);
                }
            }
        } else {
            errs.add(wholeName + regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (byteLength(name) > LABEL_NAME_MAX_LENGTH) {
            errs.add("name part " + nameTooLong);
        }
        if (!LABEL_KEY.matcher(name).matches()) {
            errs.add("name part " + regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc"));
        }
        return errs;
    }

    private static List<String> labelValue(String value, String tooLong) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > LABEL_NAME_MAX_LENGTH) {
            errs.add(tooLong);
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            errs.add(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
        }
        return errs;
    }

    private static List<String> dns1123Subdomain(String value, String tooLong) {
        List<String> errs = new ArrayList<>();
        if (byteLength(value) > DNS_SUBDOMAIN_MAX_LENGTH) {
            errs.add(tooLong);
        }
        if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
            errs.add(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
        }
        return errs;
    }

    private static String maxLenCharacters(int length) {
        return "must be no more than " + length + " characters";
    }

    private static String maxLenBytes(int length) {
        return "must be no more than " + length + " bytes";
    }

    /** {@code RegexError}; its doubled space before "or" is upstream's and users see it. */
    private static String regexError(String msg, String regex, String... examples) {
        StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            if (i > 0) {
                sb.append(" or ");
            }
            sb.append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '").append(regex).append("')").toString();
    }
}
