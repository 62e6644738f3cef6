package io.kubeway.source.file;

import io.kubeway.source.file.ManifestParser.ManifestException;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * YAML documents into plain values (maps, lists, scalars; YAML 1.2 core schema, aliases resolved), exactly
 * as fabric8's own {@code Serialization} loads them, but with limits: SnakeYAML's own ones (aliases to
 * collections, code points, no recursive keys, no duplicate keys) plus depth, value count, document count
 * and a deadline on the event stream ({@link LimitedEvents}).
 */
final class YamlLoader {
    /**
     * SnakeYAML's reader copies what it holds of the current token each time it reads another buffer, which is
     * quadratic in a long scalar at its default of 1,024 characters (8 MiB took seconds); 64 Ki makes it
     * cheap while keeping the buffer small.
     */
    private static final int BUFFER_CHARS = 64 * 1024;

    private YamlLoader() {
    }

    /** One value per document ({@code null} for an empty one). */
    static List<Object> load(String text, ManifestLimits limits, ParseDeadline deadline) {
        LoadSettings settings = LoadSettings.builder()
                .setMaxAliasesForCollections(limits.maxAliases())
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxFileBytes()))
                .setAllowRecursiveKeys(false)
                .setAllowDuplicateKeys(false)
                .setBufferSize(BUFFER_CHARS)
                .build();
        // what Load.loadAllFromString does, with the limited event stream between parser and composer
        StreamReader reader = new StreamReader(settings, new TimedReader(new StringReader(text), deadline));
        Composer composer = new Composer(settings, new LimitedEvents(new ParserImpl(settings, reader), limits, deadline));
        StandardConstructor constructor = new StandardConstructor(settings);
        List<Object> documents = new ArrayList<>();
        try {
            while (composer.hasNext()) {
                Node node = composer.next();
                deadline.check();
                documents.add(constructor.constructSingleDocument(Optional.of(node)));
            }
        } catch (ReaderException e) {
            throw new ManifestException(readerMessage(e, text), e);
        } catch (MarkedYamlEngineException e) {
            String context = e.getContext() == null ? "" : e.getContext() + LimitedEvents.at(e.getContextMark()) + ": ";
            throw new ManifestException(context + e.getProblem() + LimitedEvents.at(e.getProblemMark()), e);
        } catch (YamlEngineException e) {
            throw new ManifestException(firstLine(e.getMessage()), e);
        } catch (ManifestException e) {
            throw e;
        } catch (RuntimeException e) {
            // SnakeYAML also throws plain runtime exceptions, e.g. IllegalArgumentException from Tag for
            // "!s%1" (found by ManifestParserFuzzTest): still the input's fault
            throw new ManifestException("invalid YAML: " + firstLine(e.getMessage()), e);
        }
        return documents;
    }

    /** SnakeYAML names a refused character by its code point index; an editor wants line and column. */
    private static String readerMessage(ReaderException e, String text) {
        int line = 1;
        int column = 1;
        int index = 0;
        for (int i = 0; i < text.length() && index < e.getPosition(); i += Character.charCount(text.codePointAt(i)), index++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return String.format("%s: U+%04X (line %d, column %d)", firstLine(e.getMessage()), e.getCodePoint(), line, column);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "invalid YAML";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Checks the deadline whenever SnakeYAML asks for more input (at most every {@link #BUFFER_CHARS}). */
    private static final class TimedReader extends Reader {
        private final Reader in;
        private final ParseDeadline deadline;

        TimedReader(Reader in, ParseDeadline deadline) {
            this.in = in;
            this.deadline = deadline;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            deadline.check();
            return in.read(buf, off, len);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
