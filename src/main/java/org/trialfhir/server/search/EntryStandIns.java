package org.trialfhir.server.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Stand-ins for the stored resources on a page of search results, and the interceptor that puts the stored resources
 * in their place once HAPI has built the page's Bundle, before HAPI writes it.
 *
 * <p>Why: HAPI's Bundle factory walks every element of every entry's resource looking for referenced resource objects
 * to include (ours have none: references are text), and it takes the entry's search mode from the resource's user
 * data, which meant copying each stored resource to mark it. A stand-in carries only the type, the versioned id, the
 * search mode and a way to fetch the stored version, so the walk is short and nothing is copied or even fetched when
 * the response is sent from cached encodings (which run first, at {@link #ORDER} - 1, and need only versioned ids);
 * otherwise the Bundle gets the stored instances themselves, which HAPI only reads. Register this interceptor on any
 * server whose searches answer {@link SearchResults}.
 */
@Interceptor
public final class EntryStandIns {
  /** Early among outgoing-response hooks: only a hook that needs no more than versioned ids may run before it. */
  public static final int ORDER = Integer.MIN_VALUE + 1;
  private static final String STORED = EntryStandIns.class.getName() + ".stored";

  /** A new resource of the type with the versioned id and the search mode, standing for the stored version. */
  static Resource standIn(FhirContext ctx, String type, String id, int version, BundleEntrySearchModeEnum mode,
      Supplier<Resource> stored) {
    Resource standIn = (Resource) ctx.getResourceDefinition(type).newInstance();
    standIn.setIdElement(new IdType(type, id, String.valueOf(version)));
    standIn.setUserData(STORED, stored);
    ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(standIn, mode);
    return standIn;
  }

  /** The stored resource a stand-in stands for (fetched now), or the resource itself if it is none. */
  public static IBaseResource stored(IBaseResource resource) {
    return resource instanceof Resource r && r.getUserData(STORED) instanceof Supplier<?> stored
        ? (IBaseResource) stored.get()
        : resource;
  }

  /** Puts each entry's stored resource in place of its stand-in. */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = ORDER)
  public void restore(ResponseDetails response) {
    if (response.getResponseResource() instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() != null && entry.getResource().getUserData(STORED) instanceof Supplier<?>) {
          entry.setResource((Resource) stored(entry.getResource()));
        }
      }
    }
  }
}
