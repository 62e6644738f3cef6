package io.kubeway.source.file;

import io.kubeway.source.file.ManifestParser.ManifestException;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.parser.Parser;

import java.util.Optional;

/**
 * SnakeYAML's event stream with limits, counted as the composer consumes each event. SnakeYAML's parser is
 * iterative but its composer recurses once per nesting level and holds a whole document's nodes, so the
 * depth, value and document counts must stop it here, before it goes deeper or grows further: checking the
 * composed result afterwards would be too late (a {@link StackOverflowError} at 100,000 nested {@code [}).
 */
final class LimitedEvents implements Parser {
    private final Parser events;
    private final ManifestLimits limits;
    private final ParseDeadline deadline;
    private int depth;
    private int values;
    private int documents;

    LimitedEvents(Parser events, ManifestLimits limits, ParseDeadline deadline) {
        this.events = events;
        this.limits = limits;
        this.deadline = deadline;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return events.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return events.peekEvent();
    }

    @Override
    public boolean hasNext() {
        return events.hasNext();
    }

    @Override
    public Event next() {
        deadline.check();
        Event event = events.next();
        switch (event.getEventId()) {
            case DocumentStart -> {
                if (++documents > limits.maxDocuments()) {
                    throw new ManifestException("the file has more than " + limits.maxDocuments() + " documents"
                            + at(event.getStartMark()), null);
                }
            }
            case SequenceStart, MappingStart -> {
                countValue(event);
                if (++depth > limits.maxDepth()) {
                    throw new ManifestException("mappings and sequences are nested more than " + limits.maxDepth()
                            + " levels deep" + at(event.getStartMark()), null);
                }
            }
            case SequenceEnd, MappingEnd -> depth--;
            case Scalar, Alias -> countValue(event);
            default -> {
                // stream start/end, document end, comments
            }
        }
        return event;
    }

    private void countValue(Event event) {
        if (++values > limits.maxValues()) {
            throw new ManifestException("the file has more than " + limits.maxValues() + " values (scalars, mappings"
                    + " and sequences)" + at(event.getStartMark()), null);
        }
    }

    /** {@code " (line 3, column 7)"}, one-based as editors count. */
    static String at(Optional<Mark> mark) {
        return mark.map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
    }
}
