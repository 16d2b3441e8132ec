package org.trialfhir.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.trialfhir.source.ParseResult;
import org.trialfhir.source.RecordJson;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.source.UnreadableRecordException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code parse FILE...}: prints each file's TrialRecord and diagnostics as a JSON array. */
@Command(name = "parse", description = "Print the TrialRecord and reader diagnostics of each trial record as JSON.")
final class ParseCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Trial records (page text or CT.gov v2 JSON).")
  List<Path> files;

  @Override
  public Integer call() {
    TrialReaders readers = TrialReaders.standard();
    List<RecordJson.FileResult> results = new ArrayList<>();
    int failed = 0;
    for (Path file : files) {
      try {
        ParseResult result = readers.read(file);
        results.add(new RecordJson.FileResult(file.toString(), result));
      } catch (UnreadableRecordException e) {
        System.err.println(file + ": " + e.getMessage());
        failed++;
      }
    }
    System.out.println(RecordJson.write(results));
    return failed == 0 ? 0 : 1;
  }
}
