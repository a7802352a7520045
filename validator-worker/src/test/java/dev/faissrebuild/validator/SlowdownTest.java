package dev.faissrebuild.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paired statistic and the regression rule on it, on timings whose truth is known. */
class SlowdownTest {
    private static final LatencyGate.Latency LIVE = new LatencyGate.Latency(4, 8, 10, 1);

    @Test
    void theSignTestBoundIsTheOrderStatisticTheBinomialGives() {
        assertThat(Slowdown.lowerRank(9, 0.001)).isZero();   // 2^-9 = 0.00195 > 0.001: no bound from 9 pairs
        assertThat(Slowdown.lowerRank(10, 0.001)).isEqualTo(1); // 2^-10 = 0.00098
        assertThat(Slowdown.lowerRank(20, 0.05)).isEqualTo(6);  // P(Bin(20, 1/2) <= 5) = 0.0207, <= 6: 0.0577
        assertThat(Slowdown.lowerRank(300, 0.001)).isEqualTo(123); // exact binomial sums (Python, math.comb); 200 queries: 78
        assertThat(Slowdown.lowerRank(200, 0.001)).isEqualTo(78);
    }

    @Test
    void preemptionsOnAThirdOfThePairsMoveTheP99ButNotTheMedians() {
        Random random = new Random(7);
        double[][] candidate = new double[3][300];
        double[][] live = new double[3][300];
        for (int r = 0; r < 3; r++) {
            for (int q = 0; q < 300; q++) {
                double own = 1 + q % 7 * 0.1;  // the query's own cost, the same on both (identical indices)
                candidate[r][q] = own * (1 + 0.05 * random.nextGaussian());
                live[r][q] = own * (1 + 0.05 * random.nextGaussian());
                if (random.nextInt(3) == 0) (random.nextBoolean() ? candidate : live)[r][q] += 12;  // one of the pair preempted
            }
        }
        Slowdown s = Slowdown.of(candidate, live);
        assertThat(s.pairs()).isEqualTo(300);
        assertThat(s.median()).isCloseTo(1.0, within(0.05));
        assertThat(s.lowerBound()).isBetween(0.9, 1.0);
        assertThat(s.addedMs()).isCloseTo(0.0, within(0.05));
        assertThat(LatencyGate.percentile(candidate[0], 99)).as("the measured p99 is the scheduler's").isGreaterThan(12);
        assertThat(RegressionGates.latency(new LatencyGate.Timing(LIVE, LIVE, s), 0.5, 0).failed()).isFalse();
    }

    @Test
    void aRealSlowdownIsBoundedJustBelowItself() {
        double[][] live = new double[1][300];
        double[][] twice = new double[1][300];
        for (int q = 0; q < 300; q++) {
            live[0][q] = 3 + Math.sin(q);
            twice[0][q] = 2 * live[0][q] * (1 + 0.1 * Math.cos(q));
        }
        Slowdown s = Slowdown.of(twice, live);
        assertThat(s.median()).isCloseTo(2.0, within(0.05));
        assertThat(s.lowerBound()).isBetween(1.8, s.median());
        assertThat(s.addedMs()).isCloseTo(3.0, within(0.3));
        assertThat(s.addedLowerBoundMs()).isBetween(2.5, s.addedMs());
    }

    @Test
    void aRegressionNeedsTheRelativeBoundAndTheAbsoluteBoundBoth() {
        assertThat(gate(1.6, 6, 5).failed()).as("1.6x and +6 ms").isTrue();
        assertThat(gate(1.6, 6, 7).failed()).as("+6 ms is within a 7 ms slack").isFalse();
        assertThat(gate(1.45, 60, 0).failed()).as("not beyond +50 %").isFalse();
        Gate g = gate(1.6, 6, 0);
        assertThat(g.figure()).isEqualTo(1.6);
        assertThat(g.threshold()).isEqualTo(1.5);
        assertThat(g.detail()).contains("at least 1.60x and +6.000 ms with 99.9 % confidence", "more than 1.50x (+50 %) and more than +0.00 ms");
    }

    @Test
    void tooFewPairsCanNeverBeARegression() {
        double[][] live = {{1, 1, 1, 1, 1, 1, 1, 1, 1}};
        double[][] slower = {{9, 9, 9, 9, 9, 9, 9, 9, 9}};
        Slowdown nine = Slowdown.of(slower, live);
        assertThat(nine.median()).isCloseTo(9, within(1e-9));
        assertThat(nine.lowerBound()).isZero();
        assertThat(RegressionGates.latency(new LatencyGate.Timing(LIVE, LIVE, nine), 0.5, 0).failed()).isFalse();
    }

    /** The gate at +50 % for a slowdown whose bounds are {@code ratio} and {@code addedMs} (medians a little above). */
    private static Gate gate(double ratio, double addedMs, double slackMs) {
        Slowdown s = new Slowdown(300, ratio + 0.1, ratio, addedMs + 1, addedMs);
        return RegressionGates.latency(new LatencyGate.Timing(LIVE, LIVE, s), 0.5, slackMs);
    }
}
