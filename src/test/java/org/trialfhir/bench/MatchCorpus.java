package org.trialfhir.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.matching.StudyCandidate;
import org.trialfhir.source.TrialReaders;

/**
 * The first {@code count} records of the synthetic corpus with a seed (all three formats), each read and mapped as
 * {@code serve --data} does, as matcher candidates: the ResearchStudy, its eligibility Group and the countries of its
 * Locations. Mapping costs several seconds of CPU per thousand records, so the mapped trials are cached as gzipped
 * NDJSON (one collection Bundle per trial) under {@code target/match-corpus/}, keyed by seed and count; a JMH fork
 * then only parses them. Narratives are dropped, in memory and in the cache alike: the matcher never reads them.
 */
final class MatchCorpus {
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Path CACHE = Path.of("target", "match-corpus");

  /** One trial as the matcher takes it. */
  record Trial(ResearchStudy study, Group eligibility, Set<String> countries) {}

  private MatchCorpus() {}

  /** The trials of records {@code 0 .. count-1}, in index order, from the cache when it has them. */
  static List<Trial> load(long seed, int count) {
    Path file = CACHE.resolve("seed" + seed + "-count" + count + ".ndjson.gz");
    try {
      if (Files.isRegularFile(file)) {
        return read(file);
      }
      List<Bundle> bundles = generate(seed, count);
      write(bundles, file);
      return bundles.stream().map(MatchCorpus::trial).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  private static List<Bundle> generate(long seed, int count) {
    CorpusGenerator generator = new CorpusGenerator(seed, EnumSet.allOf(CorpusFormat.class));
    ConceptMaps maps = ConceptMaps.load(FHIR);
    // One reader and mapper per thread: they are cheap to make and nothing says they may be shared.
    ThreadLocal<TrialReaders> readers = ThreadLocal.withInitial(TrialReaders::standard);
    ThreadLocal<TrialBundleMapper> mappers = ThreadLocal.withInitial(() -> new TrialBundleMapper(maps));
    return LongStream.range(0, count).parallel()
        .mapToObj(i -> matcherResources(mappers.get().map(readers.get().read(generator.bytes(i)).record())
            .resources()))
        .toList();
  }

  /** The study, its Group and its Locations, without narratives, as one collection Bundle. */
  private static Bundle matcherResources(List<Resource> resources) {
    List<Resource> kept = new ArrayList<>();
    for (Resource resource : resources) {
      if (resource instanceof ResearchStudy || resource instanceof Group || resource instanceof Location) {
        ((DomainResource) resource).setText(null);
        kept.add(resource);
      }
    }
    return TrialBundleMapper.collection(kept);
  }

  private static Trial trial(Bundle bundle) {
    Map<String, Resource> byReference = new LinkedHashMap<>();
    ResearchStudy study = null;
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      byReference.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
      if (resource instanceof ResearchStudy s) {
        study = s;
      }
    }
    StudyCandidate candidate = StudyCandidate.of(study, reference -> byReference.get(reference.getReference()));
    return new Trial(candidate.study(), candidate.eligibility(), candidate.countries());
  }

  private static void write(List<Bundle> bundles, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    // Written aside and moved into place, so an interrupted run never leaves a truncated cache behind.
    Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
    try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(
        new GZIPOutputStream(Files.newOutputStream(partial)), StandardCharsets.UTF_8))) {
      IParser parser = FHIR.newJsonParser().setPrettyPrint(false);
      for (Bundle bundle : bundles) {
        out.write(parser.encodeResourceToString(bundle));
        out.newLine();
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<Trial> read(Path file) throws IOException {
    List<String> lines;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      lines = in.lines().toList();
    }
    return lines.parallelStream()
        .map(line -> trial(FHIR.newJsonParser().parseResource(Bundle.class, line)))
        .toList();
  }
}
