package org.trialfhir.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.trialfhir.validation.ProfileValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code validate FILE...}: validates FHIR JSON or XML resources (a Bundle with its entries) and prints one
 * OperationOutcome per file, or for several files a {@code collection} Bundle of them whose entries' {@code
 * fullUrl} is the file's URI.
 */
@Command(
    name = "validate",
    description = {
      "Validate FHIR R4 resources or Bundles (JSON or XML, detected from the content) against base R4, their"
          + " meta.profile and trialfhir's profiles, offline.",
      "Prints the OperationOutcome (pretty JSON); for several files, a Bundle of type collection holding one"
          + " OperationOutcome per file, each entry's fullUrl the file's URI.",
      "Exit status 1 if any file has an error or cannot be read as FHIR, 0 otherwise."
    })
final class ValidateCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "FHIR resources or Bundles, JSON or XML.")
  List<Path> files;

  @Override
  public Integer call() {
    FhirContext ctx = FhirContext.forR4Cached();
    ProfileValidator validator = null;
    List<OperationOutcome> outcomes = new ArrayList<>();
    boolean failed = false;
    for (Path file : files) {
      OperationOutcome outcome;
      try {
        String text = readFhir(ctx, file);
        if (validator == null) {
          validator = loadValidator(ctx);
          if (validator == null) {
            return 1;
          }
        }
        outcome = validator.validate(text);
        int errors = countErrors(outcome);
        if (errors > 0) {
          System.err.println(file + ": " + errors + (errors == 1 ? " error" : " errors"));
        }
      } catch (UnreadableFileException e) {
        System.err.println(file + ": " + e.getMessage());
        outcome = new OperationOutcome();
        outcome
            .addIssue()
            .setSeverity(IssueSeverity.FATAL)
            .setCode(IssueType.STRUCTURE)
            .setDiagnostics(file + ": " + e.getMessage());
      }
      failed |= ProfileValidator.hasErrors(outcome);
      outcomes.add(outcome);
    }
    IParser json = ctx.newJsonParser().setPrettyPrint(true);
    System.out.println(
        outcomes.size() == 1
            ? json.encodeResourceToString(outcomes.get(0))
            : json.encodeResourceToString(collection(outcomes)));
    return failed ? 1 : 0;
  }

  /** The shared validator, or null after telling why our profiles cannot be loaded (a broken build). */
  private static ProfileValidator loadValidator(FhirContext ctx) {
    try {
      return ProfileValidator.forContext(ctx);
    } catch (IllegalStateException e) {
      System.err.println("trialfhir: cannot load the validation profiles: " + e.getMessage());
      return null;
    }
  }

  /** Reads a file and checks that it parses as a FHIR resource; returns its text without a byte-order mark. */
  private static String readFhir(FhirContext ctx, Path file) throws UnreadableFileException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new UnreadableFileException("not UTF-8 text");
    } catch (IOException e) {
      throw new UnreadableFileException(
          "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String trimmed = text.stripLeading();
    IParser parser;
    if (trimmed.startsWith("{")) {
      parser = ctx.newJsonParser();
    } else if (trimmed.startsWith("<")) {
      parser = ctx.newXmlParser();
    } else {
      throw new UnreadableFileException(trimmed.isEmpty() ? "empty" : "neither FHIR JSON nor FHIR XML");
    }
    // Only unreadable input stops here: bad codes, unknown elements and the like are the validator's to report.
    parser.setParserErrorHandler(new LenientErrorHandler(false).disableAllErrors());
    try {
      parser.parseResource(text);
    } catch (DataFormatException e) {
      throw new UnreadableFileException("not a FHIR resource: " + e.getMessage());
    }
    return text;
  }

  private static int countErrors(OperationOutcome outcome) {
    return (int)
        outcome.getIssue().stream()
            .filter(i -> i.getSeverity() == IssueSeverity.ERROR || i.getSeverity() == IssueSeverity.FATAL)
            .count();
  }

  private Bundle collection(List<OperationOutcome> outcomes) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
    for (int i = 0; i < outcomes.size(); i++) {
      bundle.addEntry().setFullUrl(files.get(i).toAbsolutePath().toUri().toString()).setResource(outcomes.get(i));
    }
    return bundle;
  }

  /** A file that is not readable FHIR JSON or XML; the message says why. */
  private static final class UnreadableFileException extends Exception {
    UnreadableFileException(String message) {
      super(message);
    }
  }
}
