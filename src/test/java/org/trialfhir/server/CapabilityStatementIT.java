package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.server.search.ParamDef;
import org.trialfhir.server.search.Resolver;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.validation.ProfileValidator;

/**
 * The CapabilityStatement tells the truth: it declares exactly the search parameters the server implements, each
 * with a definition that exists, and each declared parameter, include, operation and profile works.
 */
class CapabilityStatementIT {
  /** Types the sample data holds nothing of, so no search can match; their parameters still run. */
  private static final Map<String, String> NO_DATA = Map.of();

  private static TestServer server;
  private static IGenericClient client;
  private static CapabilityStatement statement;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
    statement = client.capabilities().ofType(CapabilityStatement.class).execute();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void declaresEveryTypeServedWithReadVreadSearchAndValidate() {
    Set<String> types = new TreeSet<>();
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      types.add(resource.getType());
      Set<String> interactions = new TreeSet<>();
      resource.getInteraction().forEach(i -> interactions.add(i.getCode().toCode()));
      assertEquals(Set.of("read", "vread", "search-type"), interactions, resource.getType());
      assertEquals(resource.getType().equals("ResearchStudy") ? Set.of("validate", "match") : Set.of("validate"),
          resource.getOperation().stream().map(o -> o.getName()).collect(Collectors.toSet()), resource.getType());
    }
    assertEquals(new TreeSet<>(List.of("ResearchStudy", "PlanDefinition", "ActivityDefinition", "Group", "Organization",
        "Location", "Practitioner", "StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "SearchParameter",
        "OperationDefinition")), types);
    assertTrue(statement.getFormat().stream().anyMatch(f -> f.getValue().equals("application/fhir+json")));
    assertTrue(statement.getFormat().stream().anyMatch(f -> f.getValue().equals("application/fhir+xml")));
  }

  @Test
  void declaresExactlyTheImplementedSearchParameters() {
    SearchParams implemented = new SearchParams(TestServer.CTX, new Resolver(server.store()));
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      Set<String> declared = new TreeSet<>();
      resource.getSearchParam().forEach(p -> declared.add(p.getName()));
      assertEquals(new TreeSet<>(implemented.of(resource.getType()).keySet()), declared, resource.getType());
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        ParamDef def = implemented.find(resource.getType(), param.getName()).orElseThrow();
        assertEquals(def.type().getCode(), param.getType().toCode(), resource.getType() + " " + param.getName());
      }
    }
  }

  @Test
  void everySearchParameterDefinitionExists() {
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        String where = resource.getType() + " " + param.getName();
        String definition = param.getDefinition();
        assertNotNull(definition, where);
        if (definition.startsWith("https://trialfhir.org/fhir/SearchParameter/")) {
          // Ours: served, with the same code, base and type.
          Bundle found = client.search().byUrl("SearchParameter?url=" + definition).returnBundle(Bundle.class).execute();
          assertEquals(1, found.getTotal(), where + " → " + definition);
          SearchParameter sp = (SearchParameter) found.getEntryFirstRep().getResource();
          assertEquals(param.getName(), sp.getCode(), where);
          assertEquals(param.getType().toCode(), sp.getType().toCode(), where);
          assertTrue(sp.getBase().stream().anyMatch(b -> b.getValue().equals(resource.getType())), where);
          assertTrue(param.hasDocumentation(), where);
        } else if (!param.getName().startsWith("_")) {
          // R4's: the one HAPI's model knows for this type and name.
          RuntimeSearchParam standard = TestServer.CTX.getResourceDefinition(resource.getType()).getSearchParam(param.getName());
          assertNotNull(standard, where);
          assertEquals(standard.getUri(), definition, where);
          assertEquals(standard.getParamType().getCode(), param.getType().toCode(), where);
        } else {
          assertTrue(definition.startsWith("http://hl7.org/fhir/SearchParameter/Resource-"), where + " → " + definition);
        }
      }
    }
  }

  /** Every declared parameter has a case that matches and one that does not, and they give what they should. */
  @Test
  void everyDeclaredSearchParameterAnswersAsSearchCasesSay() {
    Map<String, List<SearchCases.Case>> casesByParameter = new TreeMap<>();
    for (SearchCases.Case c : SearchCases.CASES) {
      String query = c.query().substring(c.query().indexOf('?') + 1);
      for (String pair : query.split("&")) {
        String name = pair.substring(0, pair.indexOf('=')).split("[:.]", 2)[0];
        casesByParameter.computeIfAbsent(c.type() + " " + name, k -> new ArrayList<>()).add(c);
      }
    }
    List<String> problems = new ArrayList<>();
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        String key = resource.getType() + " " + param.getName();
        List<SearchCases.Case> cases = casesByParameter.getOrDefault(key, List.of());
        if (NO_DATA.containsKey(resource.getType())) {
          // Still runs: an empty searchset, not an error.
          HttpResponse<String> response = server.get("/" + resource.getType() + "?" + param.getName() + ":missing=false");
          assertEquals(200, response.statusCode(), key + ": " + response.body());
          continue;
        }
        if (cases.stream().noneMatch(c -> !c.ids().isEmpty())) {
          problems.add(key + " has no search case that matches");
        }
        if (cases.stream().noneMatch(c -> c.ids().isEmpty())) {
          problems.add(key + " has no search case that matches nothing");
        }
        for (SearchCases.Case c : cases) {
          assertEquals(c.ids(), SearchIT.matchIds(
              client.search().byUrl(TestServer.encodeQuery(c.query())).returnBundle(Bundle.class).execute()), c.query());
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyDeclaredIncludeAndRevIncludeBringsResources() {
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (var include : resource.getSearchInclude()) {
        String value = include.getValue();
        String query = value.startsWith(resource.getType() + ":")
            ? resource.getType() + "?_include=" + value
            // An include of another type applies to what an earlier include brought: _include:iterate.
            : resource.getType() + "?_include=ResearchStudy:protocol&_include:iterate=" + value;
        assertTrue(includes(query) > 0, query);
      }
      for (var revInclude : resource.getSearchRevInclude()) {
        String query = resource.getType() + "?_revinclude=" + revInclude.getValue();
        assertTrue(includes(query) > 0, query);
      }
    }
  }

  @Test
  void declaredOperationsAnswerAndPointToTheirDefinition() {
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
        if (operation.getName().equals("match")) {
          assertEquals("https://trialfhir.org/fhir/OperationDefinition/match", operation.getDefinition());
          HttpResponse<String> match = server.send(HttpRequest.newBuilder(server.uri("/ResearchStudy/$match"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                  + "\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\"}}]}")),
              "Content-Type", "application/fhir+json");
          assertEquals(200, match.statusCode(), match.body());
          TestServer.CTX.newJsonParser().parseResource(Bundle.class, match.body());
          continue;
        }
        assertEquals("http://hl7.org/fhir/OperationDefinition/Resource-validate", operation.getDefinition());
        HttpResponse<String> response = server.send(
            HttpRequest.newBuilder(server.uri("/" + resource.getType() + "/$validate"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"" + resource.getType() + "\"}")),
            "Content-Type", "application/fhir+json");
        assertEquals(200, response.statusCode(), resource.getType() + ": " + response.body());
        TestServer.CTX.newJsonParser().parseResource(OperationOutcome.class, response.body());
      }
    }
  }

  @Test
  void supportedProfilesAreExactlyOursAndServed() {
    Map<String, List<String>> ours = TrialFhirServer.profilesByType(server.store());
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      List<String> declared = resource.getSupportedProfile().stream().map(CanonicalType::getValue).toList();
      assertEquals(ours.getOrDefault(resource.getType(), List.of()), declared, resource.getType());
      for (String profile : declared) {
        assertEquals(1, client.search().byUrl("StructureDefinition?url=" + profile).returnBundle(Bundle.class).execute().getTotal(),
            profile);
      }
      assertEquals("http://hl7.org/fhir/StructureDefinition/" + resource.getType(), resource.getProfile());
    }
  }

  @Test
  void theCapabilityStatementIsValidR4() {
    OperationOutcome outcome = ProfileValidator.shared().validate(statement);
    assertEquals(List.of(), ValidateIT.errors(outcome));
  }

  @Test
  void optionsOnTheBaseAlsoAnswersWithIt() {
    HttpResponse<String> response = server.send(
        HttpRequest.newBuilder(server.uri("")).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"CapabilityStatement\""));
  }

  private static List<CapabilityStatementRestResourceComponent> resources() {
    assertFalse(statement.getRest().isEmpty());
    return statement.getRestFirstRep().getResource();
  }

  private static long includes(String query) {
    Bundle bundle = client.search().byUrl(query).returnBundle(Bundle.class).execute();
    return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == SearchEntryMode.INCLUDE).count();
  }
}
