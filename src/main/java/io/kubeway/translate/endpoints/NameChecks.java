package io.kubeway.translate.endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The name syntax checks of {@code k8s.io/apimachinery/pkg/util/validation}, returning its messages
 * word for word (an empty list means valid).
 */
final class NameChecks {
    private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL_FMT);
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL_FMT + "(\\." + LABEL_FMT + ")*");
    private static final String QUALIFIED_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_FMT);
    private static final Pattern LABEL_VALUE = Pattern.compile("(" + QUALIFIED_FMT + ")?");

    private static final String LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
            + " characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or"
            + " '123-abc', regex used for validation is '" + LABEL_FMT + "')";
    private static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case"
            + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g."
            + " 'example.com', regex used for validation is '" + LABEL_FMT + "(\\." + LABEL_FMT + ")*')";
    private static final String QUALIFIED_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and"
            + " must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc',"
            + " regex used for validation is '" + QUALIFIED_FMT + "')";
    private static final String LABEL_VALUE_MSG = "a valid label must be an empty string or consist of"
            + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(" + QUALIFIED_FMT
            + ")?')";

    private NameChecks() {
    }

    static List<String> dns1123Label(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 63) errs.add("must be no more than 63 characters");
        if (!DNS1123_LABEL.matcher(v).matches()) errs.add(LABEL_MSG);
        return errs;
    }

    static List<String> dns1123Subdomain(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 253) errs.add("must be no more than 253 characters");
        if (!DNS1123_SUBDOMAIN.matcher(v).matches()) errs.add(SUBDOMAIN_MSG);
        return errs;
    }

    /** {@code IsQualifiedName}: an optional DNS subdomain prefix and '/', then a name of up to 63 characters. */
    static List<String> qualifiedName(String v) {
        List<String> errs = new ArrayList<>();
        String[] parts = v.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                errs.add("prefix part must be non-empty");
            } else {
                for (String m : dns1123Subdomain(prefix)) errs.add("prefix part " + m);
            }
        } else {
            errs.add("a qualified name " + QUALIFIED_MSG
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return errs;
        }
        if (name.isEmpty()) {
            errs.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errs.add("name part must be no more than 63 characters");
        }
        if (!QUALIFIED_NAME.matcher(name).matches()) errs.add("name part " + QUALIFIED_MSG);
        return errs;
    }

    static List<String> labelValue(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > 63) errs.add("must be no more than 63 characters");
        if (!LABEL_VALUE.matcher(v).matches()) errs.add(LABEL_VALUE_MSG);
        return errs;
    }
}
