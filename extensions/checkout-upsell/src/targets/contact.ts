import { mount } from "../ui/OfferBlock";

export default async () => mount("information");
