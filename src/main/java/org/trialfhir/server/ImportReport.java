package org.trialfhir.server;

import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.store.RecordImporter;
import org.trialfhir.store.TrialStore.Applied;

/**
 * The answer of {@code $import-record} as the Parameters its OperationDefinition describes: the registry id, the
 * format, one {@code resource} part per resource (reference, action, version) and one {@code diagnostic} part per
 * reader or mapper diagnostic.
 */
final class ImportReport {
  /** ResearchStudy.identifier's system for the registry id (DESIGN.md, Identity). */
  static final String REGISTRY_SYSTEM = "https://clinicaltrials.gov";

  private ImportReport() {}

  static Parameters of(RecordImporter.Result result) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("registryId")
        .setValue(new Identifier().setSystem(REGISTRY_SYSTEM).setValue(result.registryId()));
    parameters.addParameter().setName("format").setValue(new CodeType(result.format()));
    for (Applied applied : result.applied()) {
      ParametersParameterComponent resource = parameters.addParameter().setName("resource");
      resource.addPart().setName("reference").setValue(new Reference(applied.type() + "/" + applied.id()));
      resource.addPart().setName("action").setValue(new CodeType(applied.action().name().toLowerCase(Locale.ROOT)));
      resource.addPart().setName("versionId").setValue(new IdType(String.valueOf(applied.versionId())));
    }
    addDiagnostics(parameters, "read", result.readerDiagnostics());
    addDiagnostics(parameters, "map", result.mappingDiagnostics());
    return parameters;
  }

  private static void addDiagnostics(Parameters parameters, String stage, List<Diagnostic> diagnostics) {
    for (Diagnostic diagnostic : diagnostics) {
      ParametersParameterComponent part = parameters.addParameter().setName("diagnostic");
      part.addPart().setName("stage").setValue(new CodeType(stage));
      part.addPart().setName("severity").setValue(new CodeType(
          diagnostic.severity() == Diagnostic.Severity.WARNING ? "warning" : "information"));
      if (diagnostic.section() != null && !diagnostic.section().isBlank()) {
        part.addPart().setName("section").setValue(new StringType(diagnostic.section()));
      }
      if (diagnostic.line() > 0) {
        part.addPart().setName("line").setValue(new IntegerType(diagnostic.line()));
      }
      if (diagnostic.text() != null && !diagnostic.text().isBlank()) {
        part.addPart().setName("text").setValue(new StringType(diagnostic.text()));
      }
      part.addPart().setName("message").setValue(new StringType(diagnostic.message()));
    }
  }
}
