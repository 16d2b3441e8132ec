package org.trialfhir.store;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.ClasspathFolder;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.TrialRecord;
import org.trialfhir.source.UnreadableRecordException;
import org.trialfhir.validation.ProfileValidator;
import org.trialfhir.validation.ValidationSupportFactory;

/**
 * Fills a {@link TrialStore}: our conformance resources (profiles/ and mappings/), the sample trials bundled in the
 * jar, or every trial record file of a directory (any format the readers know), each trial read, mapped to FHIR and
 * put as one atomic change. A directory's trials are validated first; a file that cannot be read or whose resources
 * have validation errors is reported and left out, the others are stored.
 */
public final class TrialImporter {
  /** The classpath folder of the bundled sample trials. */
  public static final String SAMPLES = "samples";
  /** How many of a rejected trial's validation errors its failure message quotes. */
  private static final int ERRORS_QUOTED = 3;

  /** A trial record that was not stored, and why. */
  public record Failure(String source, String reason) {}

  /** What an import stored (registry ids and resource count) and what it left out. */
  public record Report(List<String> trials, int resources, List<Failure> failures) {
    public Report {
      trials = List.copyOf(trials);
      failures = List.copyOf(failures);
    }
  }

  private final FhirContext ctx;
  private final TrialStore store;
  private final TrialReaders readers = TrialReaders.standard();
  private final Supplier<TrialBundleMapper> mapperSource;
  private TrialBundleMapper mapper;

  public TrialImporter(FhirContext ctx, TrialStore store) {
    this(ctx, store, () -> new TrialBundleMapper(ConceptMaps.load(ctx)));
  }

  /** {@code mapper} gives the mapper when the first trial is loaded (e.g. one {@link #mapperBuiltAhead}). */
  public TrialImporter(FhirContext ctx, TrialStore store, Supplier<TrialBundleMapper> mapper) {
    this.ctx = ctx;
    this.store = store;
    this.mapperSource = mapper;
  }

  /**
   * Starts building a mapper (loading the ConceptMaps of mappings/: a second or two, and longer on a busy machine) on
   * a thread of its own, so that a command opening its store and listing its files meanwhile finds it ready instead
   * of its first worker building it while the others wait. The supplier waits for it; a failure to build it is
   * thrown from there, as building it in place would have thrown it.
   */
  public static Supplier<TrialBundleMapper> mapperBuiltAhead(FhirContext ctx) {
    return InBackground.start("trialfhir-mapper", () -> new TrialBundleMapper(ConceptMaps.load(ctx)));
  }

  /** Stores every conformance resource of profiles/ and mappings/, as authored; returns how many. */
  public int conformance() {
    return conformance(conformanceResources(ctx));
  }

  /** Stores the given conformance resources (parsed beforehand by {@link #conformanceResources}); returns how many. */
  public int conformance(List<Resource> resources) {
    store.put(resources);
    return resources.size();
  }

  /**
   * Every conformance resource of profiles/ and mappings/, parsed: a start-up can do this while the store opens.
   *
   * @throws IllegalStateException naming the file that is not FHIR JSON
   */
  public static List<Resource> conformanceResources(FhirContext ctx) {
    IParser parser = ctx.newJsonParser();
    List<Resource> resources = new ArrayList<>();
    for (ValidationSupportFactory.Source source : ValidationSupportFactory.classpathSources()) {
      try {
        resources.add((Resource) parser.parseResource(source.json()));
      } catch (DataFormatException e) {
        throw new IllegalStateException(source.name() + ": not a FHIR JSON resource: " + e.getMessage(), e);
      }
    }
    return resources;
  }

  /**
   * Stores the sample trials bundled in the jar, unvalidated: the build's tests validate them, and validating here
   * would add seconds to every start.
   */
  public Report samples() {
    List<Loaded> loaded = new ArrayList<>();
    ClassLoader loader = TrialImporter.class.getClassLoader();
    for (String path : ClasspathFolder.list(SAMPLES)) {
      loaded.add(load(path, p -> {
        try (InputStream in = loader.getResourceAsStream(p)) {
          if (in == null) {
            throw new UnreadableRecordException("listed in the jar but cannot be opened");
          }
          return readers.read(in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    return store(loaded);
  }

  /**
   * Stores every trial record file under {@code dir} (sub-folders included, hidden files aside: {@link RecordFiles},
   * as {@code import} reads it), each trial's resources validated (as one collection Bundle) by {@code validator} in
   * parallel (the serve command passes {@link
   * ProfileValidator#validate(org.hl7.fhir.instance.model.api.IBaseResource)}); the failures name the file.
   *
   * @throws UncheckedIOException if the directory cannot be listed
   */
  public Report directory(Path dir, Function<Bundle, OperationOutcome> validator) {
    List<Path> files = RecordFiles.under(dir);
    List<Loaded> mapped = files.stream().map(file -> load(file, readers::read)).toList();
    // Validation takes most of the time and the validator is thread-safe; reading and mapping stay sequential.
    return store(mapped.parallelStream().map(one -> validated(one, validator)).toList());
  }

  /** One source's resources, or why it has none. */
  record Loaded(String source, String trial, List<Resource> resources, String failure) {}

  <T> Loaded load(T source, Function<T, ParseResult> read) {
    String name = String.valueOf(source);
    try {
      TrialRecord record = read.apply(source).record();
      return new Loaded(name, record.registryId(), mapper().map(record).resources(), null);
    } catch (UnreadableRecordException e) {
      return new Loaded(name, null, List.of(), e.getMessage());
    } catch (UncheckedIOException e) {
      return new Loaded(name, null, List.of(), "cannot be read: " + e.getCause().getMessage());
    } catch (RuntimeException e) {
      // A mapper bug must not take the other trials down with it; the message names the file.
      return new Loaded(name, null, List.of(), "cannot be converted: " + e);
    }
  }

  static Loaded validated(Loaded one, Function<Bundle, OperationOutcome> validator) {
    if (one.failure() != null) {
      return one;
    }
    OperationOutcome outcome = validator.apply(TrialBundleMapper.collection(one.resources()));
    return ProfileValidator.hasErrors(outcome) ? new Loaded(one.source(), null, List.of(), errors(outcome)) : one;
  }

  private Report store(List<Loaded> loaded) {
    List<String> trials = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    int resources = 0;
    for (Loaded one : loaded) {
      if (one.failure() != null) {
        failures.add(new Failure(one.source(), one.failure()));
        continue;
      }
      store.put(one.resources());
      trials.add(one.trial());
      resources += one.resources().size();
    }
    return new Report(trials, resources, failures);
  }

  private static String errors(OperationOutcome outcome) {
    List<String> messages = new ArrayList<>();
    int count = 0;
    for (OperationOutcomeIssueComponent issue : outcome.getIssue()) {
      if (issue.getSeverity() == IssueSeverity.ERROR || issue.getSeverity() == IssueSeverity.FATAL) {
        count++;
        if (messages.size() < ERRORS_QUOTED) {
          String where = issue.getExpression().isEmpty() ? "" : issue.getExpression().get(0).getValue() + ": ";
          messages.add(where + issue.getDiagnostics());
        }
      }
    }
    return count + (count == 1 ? " validation error: " : " validation errors, the first: ")
        + String.join("; ", messages);
  }

  /** Built on first use (most starts load no trial); the mapper itself is thread-safe. */
  private synchronized TrialBundleMapper mapper() {
    if (mapper == null) {
      mapper = mapperSource.get();
    }
    return mapper;
  }
}
