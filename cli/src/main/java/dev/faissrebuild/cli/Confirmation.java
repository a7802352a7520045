package dev.faissrebuild.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The question an operator answers before the live set is replaced ({@code --force} skips it). The
 * answer is read from standard input, so {@code echo y | faiss-rebuild ...} works; with no answer at all
 * (no terminal, stdin closed) nothing is done.
 */
final class Confirmation {
    private Confirmation() {}

    static void ask(boolean force, String question, PrintWriter out) {
        if (force) return;
        out.print(question + " [y/N] ");
        out.flush();
        String answer = readLine(System.in);
        if (answer == null) {
            out.println();
            throw new UserError("no answer on standard input (no terminal?): nothing was done; add --force to go ahead without the question");
        }
        String a = answer.strip().toLowerCase();
        if (!a.equals("y") && !a.equals("yes")) throw new UserError("not confirmed (answer '" + answer.strip() + "'): nothing was done");
    }

    /** One line, byte by byte: nothing beyond it is consumed. Null at end of input. */
    private static String readLine(InputStream in) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') return line.toString(StandardCharsets.UTF_8);
                line.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the answer from standard input", e);
        }
        return line.size() > 0 ? line.toString(StandardCharsets.UTF_8) : null;
    }
}
