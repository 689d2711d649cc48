import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../client/api";
import { problemText, type Session } from "./session";

/** A person as the pickers need them. */
export interface PersonChoice {
  id: string;
  name: string;
}

/**
 * The people tasks can be assigned to (GET /people, its first 200, as the project pickers take
 * the first 200 projects), for the assignee filter and the editor's select.
 */
export function usePeople(session: Session, onError: (message: string) => void): PersonChoice[] {
  const [people, setPeople] = useState<PersonChoice[]>([]);
  useEffect(() => {
    unwrap(session.api.people.$get({ query: { limit: "200" } }))
      .then((page) => setPeople(page.items))
      .catch((err) => onError(problemText(err)));
  }, [session]);
  return people;
}
