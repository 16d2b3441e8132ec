package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.util.Date;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Period;

/**
 * The time a date, dateTime, instant or Period covers, as epoch milliseconds {@code [start, end)}: "2024-06" covers
 * the whole of June 2024; a Period without an end is open towards the future ({@link Long#MAX_VALUE}).
 */
public record DateSpan(long start, long end) {

  public static DateSpan of(BaseDateTimeType value) {
    if (value == null || value.getValue() == null) {
      return null;
    }
    return of(value.getValue(), value.getPrecision());
  }

  public static DateSpan of(Date value, TemporalPrecisionEnum precision) {
    TemporalPrecisionEnum p = precision == null ? TemporalPrecisionEnum.MILLI : precision;
    return new DateSpan(value.getTime(), p.add(value, 1).getTime());
  }

  /** A Period's span; null when it has neither start nor end. */
  public static DateSpan of(Period period) {
    if (period == null || (!period.hasStart() && !period.hasEnd())) {
      return null;
    }
    long start = period.hasStart() ? of(period.getStartElement()).start() : Long.MIN_VALUE;
    long end = period.hasEnd() ? of(period.getEndElement()).end() : Long.MAX_VALUE;
    return new DateSpan(start, end);
  }
}
