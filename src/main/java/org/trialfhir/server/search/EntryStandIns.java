package org.trialfhir.server.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Stand-ins for the stored resources on a page of search results, and the interceptor that puts the stored resources
 * in their place once HAPI has built the page's Bundle, before anything writes it.
 *
 * <p>Why: HAPI's Bundle factory walks every element of every entry's resource looking for referenced resource objects
 * to include (ours have none: references are text), and it takes the entry's search mode from the resource's user
 * data, which meant copying each stored resource to mark it. A stand-in carries only the type, the versioned id and the
 * search mode, so the walk is short and nothing is copied; the Bundle then gets the stored instances themselves, which
 * HAPI only reads. Register this interceptor on any server whose searches answer {@link SearchResults}.
 */
@Interceptor
public final class EntryStandIns {
  /** Before every other outgoing-response hook, which must see the stored resources. */
  static final int FIRST = Integer.MIN_VALUE;
  private static final String STORED = EntryStandIns.class.getName() + ".stored";

  /** A new resource of the stored one's type with its versioned id and the search mode, standing for it. */
  static Resource standIn(Resource stored, BundleEntrySearchModeEnum mode) {
    Resource standIn;
    try {
      standIn = stored.getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("HAPI resource classes have a public no-argument constructor", e);
    }
    standIn.setIdElement(stored.getIdElement().copy());
    standIn.setUserData(STORED, stored);
    ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(standIn, mode);
    return standIn;
  }

  /** Puts each entry's stored resource in place of its stand-in. */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = FIRST)
  public void restore(ResponseDetails response) {
    if (response.getResponseResource() instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() != null && entry.getResource().getUserData(STORED) instanceof Resource stored) {
          entry.setResource(stored);
        }
      }
    }
  }
}
