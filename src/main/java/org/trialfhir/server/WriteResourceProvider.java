package org.trialfhir.server;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.TrialStore.Action;
import org.trialfhir.store.TrialStore.Applied;
import org.trialfhir.store.TrialStore.Upsert;
import org.trialfhir.store.TrialStore.Version;

/**
 * Create, update and delete for one trial resource type, beside its read/search and history providers (HAPI merges
 * them). Every resource stored is validated against base R4 and our profiles first (422 otherwise);
 * {@code If-Match} makes an update or delete conditional on the current version (412 otherwise); {@code
 * If-None-Exist} makes a create conditional on a search. Registered only when writes are allowed, so the
 * CapabilityStatement declares these interactions only then.
 */
final class WriteResourceProvider<T extends Resource> implements IResourceProvider {
  private final Class<T> type;
  private final String typeName;
  private final StoreWriter writer;
  private final ResourceValidation validation;

  WriteResourceProvider(Class<T> type, String typeName, StoreWriter writer, ResourceValidation validation) {
    this.type = type;
    this.typeName = typeName;
    this.writer = writer;
    this.validation = validation;
  }

  @Override
  public Class<T> getResourceType() {
    return type;
  }

  /**
   * {@code POST [type]}: stores the resource under a new server-assigned id (201 with {@code Location}). With
   * {@code If-None-Exist}, a condition matching one resource answers 200 with it and stores nothing; matching several
   * is a 412.
   */
  @Create
  public MethodOutcome create(
      @ResourceParam String body, @ResourceParam EncodingEnum encoding, @ConditionalUrlParam String ifNoneExist) {
    Resource resource = validation.incoming(typeName, body, encoding);
    if (ifNoneExist == null || ifNoneExist.isBlank()) {
      return created(resource);
    }
    return writer.conditionally(() -> {
      Optional<Resource> existing = writer.existing(typeName, ifNoneExist);
      if (existing.isPresent()) {
        Resource found = existing.get().copy();
        return new MethodOutcome(found.getIdElement(), false).setResource(found);
      }
      return created(resource);
    });
  }

  private MethodOutcome created(Resource resource) {
    resource.setId(new IdType(typeName, StoreWriter.newId()));
    // Expecting "no version yet" makes a clash with an existing id a 412 rather than an overwrite.
    Applied applied = writer.apply(List.of(new Upsert(resource, 0))).applied().get(0);
    return outcome(applied);
  }

  /**
   * {@code PUT [type]/[id]}: stores the resource as the next version (or the first: update as create, 201); an
   * unchanged resource adds no version. {@code If-Match: W/"n"} requires version n to be the current one.
   */
  @Update
  public MethodOutcome update(
      @IdParam IdType id,
      @ResourceParam String body,
      @ResourceParam EncodingEnum encoding,
      RequestDetails request) {
    String idPart = StoreWriter.checkedId(id.getIdPart());
    Integer expected = StoreWriter.ifMatch(request.getHeader("If-Match"));
    Resource resource = validation.incoming(typeName, body, encoding);
    String bodyId = resource.getIdElement().getIdPart();
    if (bodyId == null || !bodyId.equals(idPart)) {
      throw new InvalidRequestException("The body's id (" + bodyId + ") must be the id in the URL (" + idPart
          + ")");
    }
    Applied applied = writer.apply(List.of(new Upsert(resource, expected))).applied().get(0);
    return outcome(applied);
  }

  /**
   * {@code DELETE [type]/[id]}: records a delete as the next version (200, with an OperationOutcome and the ETag of
   * that version); reads then answer 410. Deleting a deleted resource changes nothing; an unknown one is a 404.
   */
  @Delete
  public MethodOutcome delete(@IdParam IdType id, RequestDetails request, HttpServletResponse response) {
    String idPart = StoreWriter.checkedId(id.getIdPart());
    Integer expected = StoreWriter.ifMatch(request.getHeader("If-Match"));
    Applied applied = writer.apply(List.of(new TrialStore.Delete(typeName, idPart, expected))).applied().get(0);
    List<Version> history = writer.store().history(typeName, idPart);
    if (history.isEmpty()) {
      throw new ResourceNotFoundException(typeName + "/" + idPart + " is not known to this server");
    }
    int version = history.get(history.size() - 1).versionId();
    String message = applied.action() == Action.DELETED
        ? typeName + "/" + idPart + " deleted (version " + version + ")"
        : typeName + "/" + idPart + " was already deleted (version " + version + "); nothing changed";
    // HAPI sets the ETag of creates and updates from the returned id, but not of deletes.
    response.setHeader("ETag", "W/\"" + version + "\"");
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
        .setDiagnostics(message);
    return new MethodOutcome(new IdType(typeName, idPart, String.valueOf(version)), outcome);
  }

  private MethodOutcome outcome(Applied applied) {
    Resource stored = writer.stored(applied).copy();
    return new MethodOutcome(StoreWriter.versionedId(applied), applied.action() == Action.CREATED)
        .setResource(stored);
  }
}
