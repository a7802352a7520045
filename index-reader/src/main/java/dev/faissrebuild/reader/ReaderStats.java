package dev.faissrebuild.reader;

/**
 * A snapshot of a reader's counters.
 *
 * @param generationId    the generation new searches get, or null before the first one opened
 * @param swaps           generations published after the first
 * @param failedSwaps     generations that failed to open and were not published
 * @param inFlight        sets acquired and not yet released (searches in progress)
 * @param openGenerations generations whose native memory is still held: 1 normally, more while
 *                        retired sets wait for their last search
 */
public record ReaderStats(String generationId, long swaps, long failedSwaps, int inFlight, int openGenerations) {}
