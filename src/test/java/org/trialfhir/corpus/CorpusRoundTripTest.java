package org.trialfhir.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.corpus.SyntheticTrial.CellDose;
import org.trialfhir.corpus.SyntheticTrial.DrugDose;
import org.trialfhir.corpus.SyntheticTrial.Limit;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.Schedule;
import org.trialfhir.mapping.ScheduleExtractor;
import org.trialfhir.mapping.Threshold;
import org.trialfhir.mapping.ThresholdExtractor;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.testing.Conversions;

/**
 * A sample of generated records, every format, read back with the real readers: no warning, and the record the
 * reader makes is exactly the one the generator says it wrote, field by field. The facts inside the free text are
 * checked with the mapping stage's own extractors: every limit the generator put in a criterion is read with its
 * analyte, comparator, value and unit, and the schedule (lymphodepletion drugs, doses, days; infusion days; cell
 * doses) is read as written.
 */
class CorpusRoundTripTest {
  private static final CorpusGenerator GENERATOR = new CorpusGenerator(7, EnumSet.allOf(CorpusFormat.class));
  private static final TrialReaders READERS = TrialReaders.standard();
  private static final ConceptMaps MAPS = ConceptMaps.load(Conversions.FHIR);
  private static final ThresholdExtractor THRESHOLDS = ThresholdExtractor.from(MAPS);
  private static final ScheduleExtractor SCHEDULES = new ScheduleExtractor(new ScheduleExtractor.Vocabulary(
      MAPS.sourceCodes("drug-rxnorm"), MAPS.sourceCodes("route-snomed"),
      unit -> MAPS.translate("unit-ucum", unit).map(Coding::getCode)));

  /** The first 150 records, and 150 more from anywhere in a 500,000-record corpus (each made alone). */
  static Stream<Long> sample() {
    SplittableRandom random = new SplittableRandom(11);
    return Stream.concat(LongStream.range(0, 150).boxed(), random.longs(150, 150, 500_000).boxed());
  }

  @ParameterizedTest(name = "record {0}")
  @MethodSource("sample")
  void readsBackExactlyWhatWasWritten(long index) {
    SyntheticTrial trial = GENERATOR.trial(index);
    ParseResult parsed = READERS.read(GENERATOR.render(trial).getBytes(StandardCharsets.UTF_8));
    String where = "record " + index + " (" + trial.format().id() + ")";

    assertEquals(trial.format().id(), parsed.format(), where);
    List<Diagnostic> warnings = parsed.diagnostics().stream()
        .filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList();
    assertTrue(warnings.isEmpty(), () -> where + " has warnings: " + warnings);
    for (RecordComponent field : TrialRecord.class.getRecordComponents()) {
      assertEquals(value(field, trial.record()), value(field, parsed.record()), where + ", field " + field.getName());
    }
  }

  @ParameterizedTest(name = "record {0}")
  @MethodSource("sample")
  void criteriaStateTheLimitsTheGeneratorPutThere(long index) {
    SyntheticTrial trial = GENERATOR.trial(index);
    TrialRecord record = READERS.read(GENERATOR.render(trial)).record();
    List<Threshold> read = new ArrayList<>();
    List<Criterion> criteria = new ArrayList<>(record.eligibility().inclusion());
    criteria.addAll(record.eligibility().exclusion());
    flatten(criteria).forEach(c -> read.addAll(THRESHOLDS.find(c.text())));

    assertTrue(trial.limits().size() >= 5, "every record states performance status and organ function limits");
    for (Limit limit : trial.limits()) {
      assertTrue(read.stream().anyMatch(t -> matches(limit, t)),
          () -> "record " + index + ": " + limit + " not read; read " + read);
    }
  }

  @ParameterizedTest(name = "record {0}")
  @MethodSource("sample")
  void textStatesTheScheduleTheGeneratorPutThere(long index) {
    SyntheticTrial trial = GENERATOR.trial(index);
    Schedule schedule = SCHEDULES.extract(READERS.read(GENERATOR.render(trial)).record());
    String where = "record " + index + " (" + trial.format().id() + ")";

    assertEquals(trial.lymphodepletion().stream().map(DrugDose::drug).toList(),
        schedule.lymphodepletion().stream().map(Schedule.DrugStep::drug).toList(), where + " drugs");
    for (int k = 0; k < trial.lymphodepletion().size(); k++) {
      DrugDose truth = trial.lymphodepletion().get(k);
      Schedule.DrugStep step = schedule.lymphodepletion().get(k);
      assertEquals(truth.days(), step.days(), where + " days of " + truth.drug());
      if (truth.dose() == null) {
        assertEquals(null, step.dose(), where + " no dose stated for " + truth.drug());
      } else {
        assertEquals(0, truth.dose().compareTo(step.dose().low()), where + " dose of " + truth.drug());
        assertEquals("mg/m2", step.dose().ucum(), where);
      }
    }
    Schedule.CellInfusion infusion = schedule.infusion();
    assertNotNull(infusion, where + " infusion");
    assertEquals(trial.infusionDays(), infusion.days(), where + " infusion days");
    List<Schedule.Dose> doses = infusion.dose() != null ? List.of(infusion.dose()) : infusion.levels();
    assertEquals(trial.cellDoses().size(), doses.size(), where + " cell doses " + doses);
    for (int k = 0; k < doses.size(); k++) {
      CellDose truth = trial.cellDoses().get(k);
      assertEquals(0, truth.low().compareTo(doses.get(k).low()), where + " dose level " + (k + 1));
      assertEquals(0, truth.high().compareTo(doses.get(k).high()), where + " dose level " + (k + 1));
      assertEquals(truth.ucum(), doses.get(k).ucum(), where + " dose level " + (k + 1));
    }
  }

  private static boolean matches(Limit limit, Threshold read) {
    return limit.analyte().equals(read.analyte())
        && Objects.equals(limit.comparator(), read.comparator() == null ? null : read.comparator().code())
        && same(limit.value(), read.value())
        && same(limit.high(), read.high())
        && Objects.equals(limit.unit(), read.unit())
        && (limit.unit() == null || read.unitKey() != null);
  }

  private static boolean same(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  private static List<Criterion> flatten(List<Criterion> criteria) {
    List<Criterion> all = new ArrayList<>();
    for (Criterion criterion : criteria) {
      all.add(criterion);
      all.addAll(flatten(criterion.children()));
    }
    return all;
  }

  private static Object value(RecordComponent field, TrialRecord record) {
    try {
      return field.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
