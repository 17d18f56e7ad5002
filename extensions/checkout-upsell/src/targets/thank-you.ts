import { mount } from "../ui/OfferBlock";

// The offer is added to the paid order by the app (decision 026), or links to a new checkout.
export default () => mount("thank_you", "thank_you");
