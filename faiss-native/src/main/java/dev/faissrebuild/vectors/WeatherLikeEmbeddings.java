package dev.faissrebuild.vectors;

import java.util.SplittableRandom;

/**
 * Demo embeddings that behave like learned embeddings of weather states, not like isotropic noise
 * (on which no approximate index reaches a useful recall, whatever its settings).
 *
 * <p>Each vector encodes a latent state that moves smoothly in time: annual, semi-annual and daily
 * cycles, plus autocorrelated anomalies with time scales from half a day (fronts) through weeks
 * (blocking) to a year (ENSO-like). A fixed random "encoder" (one projection shared by every horizon,
 * since one model embeds them all) maps the latent state to {@code dim} dimensions through a tanh,
 * adds a little independent noise, and L2-normalises. Neighbours are thus nearby times and the same
 * season in other years, as analogue forecasting expects.
 *
 * <p>The series spans a fixed 18 years, so the time step follows from the count: 6,574 vectors are one
 * a day, 13,148 two a day. Rows must be requested in order (the anomalies are a Markov chain).
 */
public final class WeatherLikeEmbeddings implements NpyWriter.RowSource {
    static final double SPAN_DAYS = 6574.0;
    private static final double[] CYCLE_PERIOD_DAYS = {365.25, 182.625, 1.0};
    private static final double[] CYCLE_AMPLITUDE = {1.0, 0.4, 0.5};
    private static final int ANOMALIES = 26;
    private static final double NOISE = 0.04;

    private final int dim;
    private final double stepDays;
    private final double[] phi;
    private final double[] innovation;
    private final double[] amplitude;
    private final double[] state = new double[ANOMALIES];
    private final double[][] encoder;
    private final double[] latent;
    private final SplittableRandom noise;
    private long nextRow;

    /**
     * @param encoderSeed seed of the projection (the same for every horizon of one dataset)
     * @param seriesSeed seed of the anomalies and noise (one per horizon)
     */
    public WeatherLikeEmbeddings(long count, int dim, long encoderSeed, long seriesSeed) {
        if (count < 1 || dim < 1) throw new IllegalArgumentException("count and dim must be positive");
        this.dim = dim;
        this.stepDays = SPAN_DAYS / count;
        this.latent = new double[2 * CYCLE_PERIOD_DAYS.length + ANOMALIES];
        this.phi = new double[ANOMALIES];
        this.innovation = new double[ANOMALIES];
        this.amplitude = new double[ANOMALIES];
        for (int i = 0; i < ANOMALIES; i++) {
            // time scales log-spaced from 0.5 to 60 days, and one slow mode of 400 days
            double tau = i == ANOMALIES - 1 ? 400 : 0.5 * Math.pow(120, i / (double) (ANOMALIES - 2));
            phi[i] = Math.exp(-stepDays / tau);
            innovation[i] = Math.sqrt(1 - phi[i] * phi[i]);
            amplitude[i] = 0.9 - 0.5 * i / ANOMALIES;
        }
        SplittableRandom encoderRandom = new SplittableRandom(encoderSeed);
        this.encoder = new double[dim][latent.length];
        double scale = 1.2 / Math.sqrt(latent.length);
        for (double[] row : encoder) {
            for (int j = 0; j < row.length; j++) row[j] = encoderRandom.nextGaussian() * scale;
        }
        this.noise = new SplittableRandom(seriesSeed);
        for (int i = 0; i < ANOMALIES; i++) state[i] = noise.nextGaussian();
    }

    @Override
    public void fill(long row, float[] out) {
        if (row != nextRow) throw new IllegalStateException("rows must be generated in order: expected " + nextRow + ", got " + row);
        nextRow++;
        double t = row * stepDays;
        for (int c = 0; c < CYCLE_PERIOD_DAYS.length; c++) {
            double angle = 2 * Math.PI * t / CYCLE_PERIOD_DAYS[c];
            latent[2 * c] = CYCLE_AMPLITUDE[c] * Math.cos(angle);
            latent[2 * c + 1] = CYCLE_AMPLITUDE[c] * Math.sin(angle);
        }
        int base = 2 * CYCLE_PERIOD_DAYS.length;
        for (int i = 0; i < ANOMALIES; i++) {
            state[i] = phi[i] * state[i] + innovation[i] * noise.nextGaussian();
            latent[base + i] = amplitude[i] * state[i];
        }
        double norm = 0;
        for (int k = 0; k < dim; k++) {
            double[] w = encoder[k];
            double dot = 0;
            for (int j = 0; j < latent.length; j++) dot += w[j] * latent[j];
            double v = Math.tanh(dot) + NOISE * noise.nextGaussian();
            out[k] = (float) v;
            norm += v * v;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int k = 0; k < dim; k++) out[k] *= inv;
    }
}
