package org.trialfhir.corpus;

import java.util.Arrays;

/**
 * Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^exponent: a few items are common and most
 * are rare, as conditions and sponsors are in a registry.
 */
final class Zipf {
  private final double[] cumulative;

  Zipf(int n, double exponent) {
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
  }

  int draw(Dice dice) {
    int at = Arrays.binarySearch(cumulative, dice.uniform());
    int rank = at >= 0 ? at : -at - 1;
    return Math.min(rank, cumulative.length - 1);
  }
}
