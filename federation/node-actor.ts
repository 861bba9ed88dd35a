/** The node's own actor (an instance actor: it signs fetches and, later, follows partner nodes). Not a valid forum slug. */
export const nodeActor = '_node';
