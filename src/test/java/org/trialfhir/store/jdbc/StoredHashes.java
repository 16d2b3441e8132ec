package org.trialfhir.store.jdbc;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.store.RecordFiles;

/**
 * Reads, maps and encodes every trial record file under a folder as an import stores it, and writes one line per
 * resource: the file, {@code type/id} and the SHA-256 of the JSON the store would keep. Two builds that write the same
 * lines store the same bytes; a check for changes that should not change the output (speed-ups of the mapping or
 * encoding), without a database. It also prints the CPU time its one thread took for all that, a measure of mapping and
 * encoding alone. Run with: {@code java -cp target/classes:target/test-classes:<deps>
 * org.trialfhir.store.jdbc.StoredHashes FOLDER OUT}.
 */
public final class StoredHashes {
  private StoredHashes() {}

  public static void main(String[] args) throws IOException {
    FhirContext ctx = FhirContext.forR4Cached();
    ResourceCodec codec = new ResourceCodec(ctx);
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(ctx));
    TrialReaders readers = TrialReaders.standard();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long started = System.nanoTime();
    long cpuStarted = threads.getCurrentThreadCpuTime();
    int files = 0;
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[1])))) {
      for (Path file : RecordFiles.under(Path.of(args[0]))) {
        for (Resource resource : mapper.map(readers.read(file).record()).resources()) {
          String type = resource.fhirType();
          String id = resource.getIdElement().getIdPart();
          String sha = codec.encode(resource, type, id, true).canonical().sha256();
          out.println(file.getFileName() + " " + type + "/" + id + " " + sha);
        }
        files++;
      }
    }
    // The main thread's CPU (reading, mapping, encoding): JIT and collector threads are not in it.
    System.err.printf("%d files in %.1f s, %.1f s CPU on the main thread%n", files,
        (System.nanoTime() - started) / 1e9, (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9);
  }
}
