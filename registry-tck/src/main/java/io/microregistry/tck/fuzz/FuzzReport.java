package io.microregistry.tck.fuzz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The counts of one fuzz run per {@link Outcome}, with the first few examples of every
 * unacceptable kind, so a failure says what went wrong and how to replay it (the seed and
 * the case number).
 *
 * <p>Not thread-safe; filled by one run, read after it.
 */
public final class FuzzReport {
    private static final int EXAMPLES_PER_KIND = 5;

    private final String backend;
    private final long seed;
    private final Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    private final Map<Outcome, List<String>> examples = new EnumMap<>(Outcome.class);
    private int tried;

    FuzzReport(String backend, long seed) {
        this.backend = backend;
        this.seed = seed;
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
            examples.put(o, new ArrayList<>());
        }
    }

    void countTried() {
        tried++;
    }

    void count(Outcome outcome, int caseNo, String detail) {
        counts.merge(outcome, 1, Integer::sum);
        if (outcome != Outcome.ACCEPTED && outcome != Outcome.REJECTED_WITH_FIELD
                && examples.get(outcome).size() < EXAMPLES_PER_KIND) {
            examples.get(outcome).add("case " + caseNo + ": " + abbreviate(detail));
        }
    }

    public String backend() {
        return backend;
    }

    public long seed() {
        return seed;
    }

    /** Registrations tried. */
    public int tried() {
        return tried;
    }

    /** How many ended as {@code outcome}. */
    public int count(Outcome outcome) {
        return counts.get(outcome);
    }

    /** The first examples of {@code outcome}, unmodifiable. */
    public List<String> examples(Outcome outcome) {
        return Collections.unmodifiableList(examples.get(outcome));
    }

    /** Everything that should be zero, summed. */
    public int failures() {
        int sum = 0;
        for (Outcome o : Outcome.values()) {
            if (o != Outcome.ACCEPTED && o != Outcome.REJECTED_WITH_FIELD) {
                sum += counts.get(o);
            }
        }
        return sum;
    }

    /** One Markdown table row: backend, seed, tried and every count. */
    public String markdownRow() {
        StringBuilder row = new StringBuilder("| ").append(backend).append(" | ").append(seed).append(" | ")
                .append(tried);
        for (Outcome o : Outcome.values()) {
            row.append(" | ").append(counts.get(o));
        }
        return row.append(" |").toString();
    }

    /** The Markdown table header matching {@link #markdownRow()}. */
    public static String markdownHeader() {
        StringBuilder header = new StringBuilder("| backend | seed | tried");
        StringBuilder rule = new StringBuilder("|---|---:|---:");
        for (Outcome o : Outcome.values()) {
            header.append(" | ").append(o.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            rule.append("|---:");
        }
        return header.append(" |\n").append(rule).append("|").toString();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("fuzz ").append(backend).append(" seed ").append(seed).append(": ")
                .append(tried).append(" tried, ").append(counts);
        examples.forEach((outcome, list) -> list.forEach(e -> out.append("\n  ").append(outcome).append(" ")
                .append(e)));
        return out.toString();
    }

    private static String abbreviate(String text) {
        String escaped = text.codePoints().collect(StringBuilder::new, (sb, cp) -> {
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || Character.getType(cp) == Character.FORMAT
                    || Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        }, StringBuilder::append).toString();
        return escaped.length() > 400 ? escaped.substring(0, 400) + "…(" + escaped.length() + " chars)" : escaped;
    }
}
