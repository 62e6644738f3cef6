package io.kubeway.source.file;

import io.kubeway.source.file.ManifestParser.ManifestException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * JSON values into plain maps and lists, as fabric8 reads a stream that starts with {@code {} or {@code [}
 * (with Jackson, not as YAML), under Jackson's stream limits set from {@link ManifestLimits}. Several
 * concatenated values are several documents, as kubectl reads them.
 */
final class JsonLoader {
    private JsonLoader() {
    }

    static List<Object> load(String text, ManifestLimits limits, ParseDeadline deadline) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxDocumentLength(limits.maxFileBytes())
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()))
                // names, values, starts and ends: a value costs at most a few tokens; ExpandedSize counts exactly
                .maxTokenCount(4L * limits.maxValues())
                .build();
        ObjectReader reader = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
                .build().readerFor(Object.class);
        List<Object> documents = new ArrayList<>();
        try (MappingIterator<Object> values = reader.readValues(text)) {
            while (values.hasNextValue()) {
                deadline.check();
                if (documents.size() >= limits.maxDocuments()) {
                    throw new ManifestException("the file has more than " + limits.maxDocuments() + " JSON values", null);
                }
                documents.add(values.nextValue());
            }
        } catch (StreamConstraintsException e) {
            String where = where(e);
            if (e.getMessage() != null && e.getMessage().contains("nesting depth")) {
                throw new ManifestException("mappings and sequences are nested more than " + limits.maxDepth()
                        + " levels deep" + where, e);
            }
            throw new ManifestException("the file passes a limit: " + e.getOriginalMessage() + where, e);
        } catch (JacksonException e) {
            throw new ManifestException(e.getOriginalMessage() + where(e), e);
        } catch (ManifestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ManifestException("invalid JSON: " + e.getMessage(), e); // the parser's, not ours
        }
        return documents;
    }

    private static String where(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
