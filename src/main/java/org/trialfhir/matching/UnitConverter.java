package org.trialfhir.matching;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;

/**
 * Converts a value from one UCUM unit to another with the UCUM essence shipped in org.fhir:ucum (the library HAPI's
 * validator uses): 120000 /uL to 120 10*9/L, 9 g/dL to 90 g/L. Units without a common canonical form (mmol/L and
 * g/L) do not convert.
 */
public final class UnitConverter {
  private static final String ESSENCE = "/ucum-essence.xml";
  /** Conversions remembered; one patient's few values meet the same few limit units in thousands of studies. */
  private static final int CACHED = 10_000;

  private final UcumEssenceService ucum;
  private final Map<String, Optional<BigDecimal>> cache = new ConcurrentHashMap<>();

  private UnitConverter(UcumEssenceService ucum) {
    this.ucum = ucum;
  }

  /** Loads the UCUM essence from the classpath (about 100 ms; build one and share it). */
  public static UnitConverter load() {
    try (InputStream in = UnitConverter.class.getResourceAsStream(ESSENCE)) {
      if (in == null) {
        throw new IllegalStateException(ESSENCE + " (org.fhir:ucum) is not on the classpath");
      }
      return new UnitConverter(new UcumEssenceService(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UcumException e) {
      throw new IllegalStateException("the UCUM essence does not load: " + e.getMessage(), e);
    }
  }

  /** The value in {@code to}; empty when either unit is not UCUM or the two measure different things. */
  public Optional<BigDecimal> convert(BigDecimal value, String from, String to) {
    if (value == null || from == null || to == null) {
      return Optional.empty();
    }
    if (from.equals(to)) {
      return Optional.of(value);
    }
    String key = value.toPlainString() + ' ' + from + ' ' + to;
    Optional<BigDecimal> known = cache.get(key);
    if (known != null) {
      return known;
    }
    if (cache.size() > CACHED) {
      cache.clear();
    }
    Optional<BigDecimal> converted = ucumConvert(value, from, to);
    cache.put(key, converted);
    return converted;
  }

  private Optional<BigDecimal> ucumConvert(BigDecimal value, String from, String to) {
    try {
      Decimal converted = ucum.convert(new Decimal(value.toPlainString()), from, to);
      return Optional.of(new BigDecimal(converted.asDecimal()));
    } catch (UcumException | RuntimeException e) {
      // The library throws for unknown units and for units of different kinds alike: both mean "not convertible".
      return Optional.empty();
    }
  }
}
