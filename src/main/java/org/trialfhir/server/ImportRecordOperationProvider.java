package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.StringType;
import org.trialfhir.source.UnreadableRecordException;
import org.trialfhir.store.RecordImporter;
import org.trialfhir.store.TrialStore.VersionConflictException;

/**
 * {@code POST [base]/ResearchStudy/$import-record} (profiles/OperationDefinition-import-record.json): takes a registry
 * record as the body (page text as {@code text/plain}, CT.gov API v2 JSON as {@code application/json}) or in a
 * Parameters {@code record} part, imports it with {@link RecordImporter} (read, map, validate, one atomic store
 * change) and answers with what each resource became ({@link ImportReport}). A body that is not a trial record is a
 * 400; resources with validation errors a 422 carrying the validator's OperationOutcome; nothing is stored then.
 */
final class ImportRecordOperationProvider {
  static final String NAME = "$import-record";
  static final String DEFINITION = "https://trialfhir.org/fhir/OperationDefinition/import-record";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FhirContext ctx;
  private final RecordImporter importer;

  ImportRecordOperationProvider(FhirContext ctx, RecordImporter importer) {
    this.ctx = ctx;
    this.importer = importer;
  }

  /** The body is read here, not by HAPI: a record is not a FHIR resource. */
  @Operation(name = NAME, type = ResearchStudy.class, manualRequest = true, canonicalUrl = DEFINITION)
  public Parameters importRecord(RequestDetails request, HttpServletResponse response) {
    byte[] record = record(request);
    RecordImporter.Result result;
    try {
      result = importer.importRecord(record);
    } catch (UnreadableRecordException e) {
      throw new InvalidRequestException("The body is not a trial record: " + e.getMessage());
    } catch (RecordImporter.InvalidRecordException e) {
      throw new UnprocessableEntityException(e.getMessage(), e.outcome());
    } catch (VersionConflictException e) {
      throw new ResourceVersionConflictException("Concurrent writes kept changing this trial's resources; nothing"
          + " was stored. Send the record again. (" + e.getMessage() + ")");
    }
    result.applied().stream()
        .filter(a -> "ResearchStudy".equals(a.type()))
        .findFirst()
        .ifPresent(study -> response.setHeader("ETag", "W/\"" + study.versionId() + "\""));
    return ImportReport.of(result);
  }

  /** The record's bytes: the body itself, or the {@code record} part of a Parameters body. */
  private byte[] record(RequestDetails request) {
    byte[] body = request.loadRequestContents();
    if (body == null || body.length == 0) {
      throw new InvalidRequestException(NAME + " needs a body: the registry record (text/plain or application/json)"
          + " or a Parameters with a 'record' part");
    }
    if (body.length > ReadOnlyRules.MAX_BODY_BYTES) {
      throw new PayloadTooLargeException("The request body has more than " + ReadOnlyRules.MAX_BODY_BYTES
          + " bytes; this server accepts at most " + ReadOnlyRules.MAX_BODY_BYTES);
    }
    String contentType = request.getHeader("Content-Type");
    String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    boolean fhir = switch (mediaType) {
      case "text/plain" -> false;
      case "application/json", "" -> isFhirJson(body);
      default -> true;
    };
    return fhir ? fromParameters(new String(body, StandardCharsets.UTF_8)) : body;
  }

  /** A JSON object naming a {@code resourceType} is FHIR; CT.gov study JSON never has one. */
  private static boolean isFhirJson(byte[] body) {
    try {
      JsonNode tree = JSON.readTree(body);
      return tree != null && tree.isObject() && tree.has("resourceType");
    } catch (IOException e) {
      return false;
    }
  }

  private byte[] fromParameters(String body) {
    IBaseResource parsed;
    try {
      parsed = body.stripLeading().startsWith("<")
          ? ctx.newXmlParser().parseResource(body)
          : ctx.newJsonParser().parseResource(body);
    } catch (DataFormatException e) {
      throw new InvalidRequestException("The body is neither a trial record nor a FHIR Parameters resource: "
          + e.getMessage());
    }
    if (!(parsed instanceof Parameters parameters)) {
      throw new InvalidRequestException("The body is a FHIR " + parsed.fhirType() + "; " + NAME
          + " takes a registry record or a Parameters with a 'record' part");
    }
    byte[] record = null;
    for (ParametersParameterComponent parameter : parameters.getParameter()) {
      if (!"record".equals(parameter.getName())) {
        throw new InvalidRequestException(NAME + " has no parameter '" + parameter.getName() + "' (only 'record')");
      }
      if (record != null) {
        throw new InvalidRequestException(NAME + " takes one 'record' per request");
      }
      record = recordValue(parameter);
    }
    if (record == null) {
      throw new InvalidRequestException(NAME + ": the Parameters body has no 'record' part");
    }
    return record;
  }

  private static byte[] recordValue(ParametersParameterComponent parameter) {
    if (parameter.getValue() instanceof StringType text && text.hasValue()) {
      return text.getValue().getBytes(StandardCharsets.UTF_8);
    }
    if (parameter.getValue() instanceof Attachment attachment) {
      if (attachment.hasData()) {
        return attachment.getData();
      }
      throw new InvalidRequestException(NAME + ": the 'record' attachment has no data (a url is not fetched; put"
          + " the record's bytes in data)");
    }
    throw new InvalidRequestException(NAME + ": 'record' must be a valueString or a valueAttachment with data");
  }
}
