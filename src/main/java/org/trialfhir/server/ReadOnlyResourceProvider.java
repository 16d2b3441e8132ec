package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.server.search.Query;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.store.TrialStore;

/**
 * What every resource type serves the same way: read and vread from the store, {@code $validate} at type and instance
 * level, and a {@link Query} for the subclass's typed {@code @Search} method.
 * Writes are {@link WriteResourceProvider}'s, registered beside this for the trial types when writes are allowed.
 */
public abstract class ReadOnlyResourceProvider<T extends Resource> implements IResourceProvider {

  private final Class<T> type;
  private final FhirContext ctx;
  private final String typeName;
  private final TrialStore store;
  private final SearchParams search;
  private final ResourceValidation validation;

  protected ReadOnlyResourceProvider(Class<T> type, ProviderContext context) {
    this.type = type;
    this.ctx = context.search().fhirContext();
    this.typeName = ctx.getResourceType(type);
    this.store = context.store();
    this.search = context.search();
    this.validation = context.validation();
  }

  @Override
  public Class<T> getResourceType() {
    return type;
  }

  /**
   * {@code GET [type]/[id]} and {@code GET [type]/[id]/_history/[vid]}: the stored instance itself, not a copy. HAPI
   * only reads what a read answers (it marks search results, which are stand-ins) and copying a study cost more than
   * sending its cached encoding. A read of the current version answers a {@link ReadStandIns stand-in}, which needs
   * no content until the answer is written.
   */
  @Read(version = true)
  public Resource read(@IdParam IdType id) {
    if (!id.hasVersionIdPart()) {
      Optional<Resource> standIn = ReadStandIns.current(ctx, store, typeName, id.getIdPart());
      if (standIn.isPresent()) {
        return standIn.get();
      }
    }
    return stored(id);
  }

  /**
   * {@code POST [type]/$validate} and {@code POST [type]/[id]/$validate}: the body is the resource (or a
   * Parameters with {@code resource}); an instance-level call without a body validates the stored resource.
   * Answers 200 with the OperationOutcome whether or not the resource is valid (the HAPI convention): look at the
   * issues' severities.
   */
  @Validate
  public MethodOutcome validate(
      @ResourceParam String body,
      @ResourceParam EncodingEnum encoding,
      @IdParam(optional = true) IdType id,
      @Validate.Mode ValidationModeEnum mode,
      @Validate.Profile String profile) {
    Resource stored = id != null && id.hasIdPart() ? stored(id.toUnqualifiedVersionless()) : null;
    return new MethodOutcome()
        .setOperationOutcome(validation.validate(typeName, body, encoding, stored, mode, profile));
  }

  /** A search over this type's current resources. */
  protected Query query() {
    return search.query(typeName);
  }

  /**
   * The current or asked-for version: 404 for what was never stored, 410 for a deleted resource or version. The
   * history is only read when the plain read finds nothing, so reads stay as cheap as the store's.
   */
  private Resource stored(IdType id) {
    String idPart = id.getIdPart();
    String versionId = id.hasVersionIdPart() ? id.getVersionIdPart() : null;
    Optional<Resource> found = versionId == null
        ? store.read(typeName, idPart)
        : store.vread(typeName, idPart, versionId);
    if (found.isPresent()) {
      return found.get();
    }
    List<TrialStore.Version> history = store.history(typeName, idPart);
    if (history.isEmpty()) {
      throw new ResourceNotFoundException(typeName + "/" + idPart + " is not known to this server");
    }
    TrialStore.Version last = history.get(history.size() - 1);
    if (versionId == null) {
      throw new ResourceGoneException(typeName + "/" + idPart + " was deleted (version " + last.versionId() + ")");
    }
    if (history.stream().anyMatch(v -> v.deleted() && String.valueOf(v.versionId()).equals(versionId))) {
      throw new ResourceGoneException(typeName + "/" + idPart + " version " + versionId + " records its deletion");
    }
    throw new ResourceNotFoundException(typeName + "/" + idPart + " has no version " + versionId + " (the "
        + (last.deleted() ? "last, a delete," : "current one") + " is " + last.versionId() + ")");
  }
}
