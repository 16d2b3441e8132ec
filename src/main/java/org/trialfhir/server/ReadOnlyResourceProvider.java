package org.trialfhir.server;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Validate;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.ValidationModeEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.server.search.Query;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.store.TrialStore;

/**
 * What every resource type serves the same way: read and vread from the store, {@code $validate} at type and instance
 * level, and a {@link Query} for the subclass's typed {@code @Search} method.
 * No create, update, patch or delete: {@link ReadOnlyRules} answers those with 405.
 */
public abstract class ReadOnlyResourceProvider<T extends Resource> implements IResourceProvider {

  private final Class<T> type;
  private final String typeName;
  private final TrialStore store;
  private final SearchParams search;
  private final ResourceValidation validation;

  protected ReadOnlyResourceProvider(Class<T> type, ProviderContext context) {
    this.type = type;
    this.typeName = context.search().fhirContext().getResourceType(type);
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
   * only reads what a read answers (it marks search results, which are copies) and copying a study cost more than
   * sending its cached encoding.
   */
  @Read(version = true)
  public Resource read(@IdParam IdType id) {
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

  private Resource stored(IdType id) {
    String idPart = id.getIdPart();
    if (id.hasVersionIdPart()) {
      return store.vread(typeName, idPart, id.getVersionIdPart()).orElseThrow(() -> new ResourceNotFoundException(
          store.read(typeName, idPart).isPresent()
              ? typeName + "/" + idPart + " has no version " + id.getVersionIdPart() + " (the current one is "
                  + store.read(typeName, idPart).get().getMeta().getVersionId() + ")"
              : typeName + "/" + idPart + " is not known to this server"));
    }
    return store.read(typeName, idPart).orElseThrow(
        () -> new ResourceNotFoundException(typeName + "/" + idPart + " is not known to this server"));
  }
}
