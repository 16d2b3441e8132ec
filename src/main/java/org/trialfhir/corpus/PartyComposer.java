package org.trialfhir.corpus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.trialfhir.corpus.Parties.Official;
import org.trialfhir.corpus.Parties.Person;
import org.trialfhir.corpus.Parties.Place;
import org.trialfhir.source.TrialRecord.Sponsor;

/**
 * Draws a trial's sponsors (hospitals and universities, companies — a few large, many small — and now and then
 * the NCI), its sites in one or several countries with their recruitment status, its officials and contacts.
 */
final class PartyComposer {
  private static final Zipf COMPANIES = new Zipf(Pools.get().companies.size(), 1.0);
  private static final Sponsor NCI = new Sponsor("National Cancer Institute (NCI)", "NIH");
  private static final int[] SITE_COUNTS = {1, 2, 3, 5, 10, 25};

  private PartyComposer() {}

  static Parties compose(Dice dice, String overallStatus) {
    Pools pools = Pools.get();
    int sites = SITE_COUNTS[dice.weighted(50, 12, 8, 15, 10, 5)];
    if (sites > 3) {
      sites = dice.between(sites - sites / 2, sites + sites / 2);
    }
    Pools.Country home = pools.countries.get(dice.weighted(pools.countryWeights));
    List<Place> places = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Sponsor lead;
    int kind = dice.weighted(55, 42, 3);
    if (kind == 2 && home.iso2().equals("US")) {
      lead = NCI;
    } else if (kind == 1) {
      lead = new Sponsor(pools.companies.get(COMPANIES.draw(dice)), "INDUSTRY");
    } else {
      Place hospital = place(dice, home, overallStatus);
      places.add(hospital);
      seen.add(hospital.facility());
      lead = new Sponsor(hospital.facility(), "OTHER");
    }
    for (int tries = 0; places.size() < sites && tries < sites * 3; tries++) {
      Pools.Country country = dice.chance(0.7) ? home : pools.countries.get(dice.weighted(pools.countryWeights));
      Place place = place(dice, country, overallStatus);
      if (seen.add(place.facility())) {
        places.add(place);
      }
    }
    List<Sponsor> collaborators = new ArrayList<>();
    for (int k = dice.weighted(70, 25, 5); k > 0; k--) {
      Sponsor collaborator = dice.chance(0.5)
          ? new Sponsor(pools.companies.get(COMPANIES.draw(dice)), "INDUSTRY")
          : new Sponsor(institution(dice, pools.countries.get(dice.weighted(pools.countryWeights))), "OTHER");
      if (!collaborator.name().equals(lead.name()) && !collaborators.contains(collaborator)) {
        collaborators.add(collaborator);
      }
    }
    List<Official> officials = new ArrayList<>();
    for (int k = dice.weighted(35, 50, 15); k > 0; k--) {
      String[] name = name(dice);
      officials.add(new Official(name[1], name[0],
          new String[] {"PRINCIPAL_INVESTIGATOR", "STUDY_CHAIR", "STUDY_DIRECTOR"}[dice.weighted(8, 1, 1)],
          dice.pick(places).facility()));
    }
    String responsible = officials.isEmpty() ? "SPONSOR"
        : new String[] {"SPONSOR", "PRINCIPAL_INVESTIGATOR", "SPONSOR_INVESTIGATOR"}[dice.weighted(7, 2, 1)];
    List<Person> contacts = new ArrayList<>();
    for (int k = dice.weighted(25, 45, 30); k > 0; k--) {
      contacts.add(person(dice, home));
    }
    return new Parties(lead, collaborators, places, officials, responsible, contacts);
  }

  private static Place place(Dice dice, Pools.Country country, String overallStatus) {
    Pools.City city = dice.pick(country.cities());
    String facility = Pools.get().institutions.get(dice.between(0, Pools.get().institutions.size() - 1))
        .replace("{city}", city.name());
    String zip = country.iso2().equals("US") && dice.chance(0.4) ? String.valueOf(dice.between(10000, 99999)) : null;
    Person contact = dice.chance(0.35) ? person(dice, country) : null;
    return new Place(facility, city.name(), city.state(), zip, country, siteStatus(dice, overallStatus), contact);
  }

  private static String institution(Dice dice, Pools.Country country) {
    return dice.pick(Pools.get().institutions).replace("{city}", dice.pick(country.cities()).name());
  }

  /** A site's status follows the study's; now and then the registry shows none. */
  private static String siteStatus(Dice dice, String overall) {
    if (dice.chance(0.1)) {
      return null;
    }
    return switch (overall) {
      case "RECRUITING" ->
          new String[] {"RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING"}[dice.weighted(75, 15, 10)];
      case "UNKNOWN" -> dice.chance(0.5) ? "RECRUITING" : null;
      default -> overall;
    };
  }

  /** {plain name, name as written with an optional degree}. */
  private static String[] name(Dice dice) {
    Pools pools = Pools.get();
    String plain = dice.pick(pools.givenNames) + " " + dice.pick(pools.familyNames);
    return new String[] {plain, dice.chance(0.6) ? plain + ", " + dice.pick(pools.degrees) : plain};
  }

  private static Person person(Dice dice, Pools.Country country) {
    String[] name = name(dice);
    String phone = "+" + country.dial() + " " + switch (country.iso2()) {
      case "CN" -> "1" + dice.between(30, 89) + dice.between(1000, 9999) + dice.between(1000, 9999);
      case "US", "CA" -> dice.between(201, 989) + "-555-" + dice.between(1000, 9999);
      default -> dice.between(10, 99) + " " + dice.between(100, 999) + " " + dice.between(1000, 9999);
    };
    String ext = dice.chance(0.1) ? String.valueOf(dice.between(100, 9999)) : null;
    String email = dice.chance(0.7)
        ? name[0].toLowerCase(Locale.ROOT).replace(' ', '.') + "@" + dice.pick("trials", "research", "hospital", "med")
            + "-" + country.iso2().toLowerCase(Locale.ROOT) + ".org"
        : null;
    return new Person(name[1], phone, ext, email);
  }
}
