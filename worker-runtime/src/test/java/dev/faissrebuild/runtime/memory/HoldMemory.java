package dev.faissrebuild.runtime.memory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/** A second process on the host: {@code HoldMemory <dir> <budget-gb> <bytes>} reserves, says "held", and releases on a "release" line. */
public final class HoldMemory {
    public static void main(String[] args) throws Exception {
        MemoryBudget budget = MemoryBudget.onHost(Double.parseDouble(args[1]), Path.of(args[0]));
        MemoryBudget.Reservation r = budget.reserve("child", Long.parseLong(args[2]));
        System.out.println("held");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("release")) {
                r.close();
                System.out.println("released");
            }
        }
    }
}
