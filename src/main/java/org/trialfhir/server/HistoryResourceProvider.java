package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.TrialStore.Version;

/**
 * Instance history ({@code GET [type]/[id]/_history}) for one trial resource type, beside its read/search provider
 * (HAPI merges them): a read, so public and served whether or not writes are allowed. Every version, newest first; a
 * delete is an entry with {@code request.method = DELETE} and no resource.
 */
final class HistoryResourceProvider<T extends Resource> implements IResourceProvider {
  private final Class<T> type;
  private final String typeName;
  private final FhirContext ctx;
  private final TrialStore store;

  HistoryResourceProvider(Class<T> type, FhirContext ctx, TrialStore store) {
    this.type = type;
    this.typeName = ctx.getResourceType(type);
    this.ctx = ctx;
    this.store = store;
  }

  @Override
  public Class<T> getResourceType() {
    return type;
  }

  /**
   * {@code GET [type]/[id]/_history}: every version, newest first, deletes as entries without a resource; {@code
   * _since} keeps the versions stored at or after an instant.
   */
  @History
  public IBundleProvider history(@IdParam IdType id, @Since InstantType since) {
    String idPart = id.getIdPart();
    List<Version> versions = store.history(typeName, idPart);
    if (versions.isEmpty()) {
      throw new ResourceNotFoundException(typeName + "/" + idPart + " is not known to this server");
    }
    Date from = since == null ? null : since.getValue();
    List<IBaseResource> entries = new ArrayList<>();
    for (int i = versions.size() - 1; i >= 0; i--) {
      Version version = versions.get(i);
      if (from == null || !Date.from(version.lastUpdated()).before(from)) {
        entries.add(historyEntry(version, i == 0 || versions.get(i - 1).deleted()));
      }
    }
    return new SimpleBundleProvider(entries);
  }

  /** One version as HAPI's history Bundle wants it: the request method says whether it created, updated or deleted. */
  private Resource historyEntry(Version version, boolean first) {
    Resource entry;
    BundleEntryTransactionMethodEnum method;
    if (version.deleted()) {
      // HAPI drops the resource of a DELETE entry; the placeholder only carries its id and version.
      entry = (Resource) ctx.getResourceDefinition(typeName).newInstance();
      entry.setId(new IdType(typeName, version.id(), String.valueOf(version.versionId())));
      entry.getMeta().setVersionId(String.valueOf(version.versionId()))
          .setLastUpdated(Date.from(version.lastUpdated()));
      method = BundleEntryTransactionMethodEnum.DELETE;
    } else {
      entry = version.resource().copy();
      method = first ? BundleEntryTransactionMethodEnum.POST : BundleEntryTransactionMethodEnum.PUT;
    }
    ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(entry, method);
    return entry;
  }

}
