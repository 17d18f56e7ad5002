/* eslint-disable eslint-comments/disable-enable-pair */
/* eslint-disable eslint-comments/no-unlimited-disable */
/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type MomentsProductFieldsFragment = (
  Pick<AdminTypes.Product, 'id' | 'title' | 'handle' | 'vendor' | 'productType' | 'tags'>
  & { featuredMedia?: AdminTypes.Maybe<{ preview?: AdminTypes.Maybe<{ image?: AdminTypes.Maybe<Pick<AdminTypes.Image, 'url'>> }> }>, collections: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'price' | 'inventoryQuantity'>> } }
);

export type MomentsMetafieldsSetErrorsFragment = Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>;

export type MomentsProductsQueryVariables = AdminTypes.Exact<{
  first: AdminTypes.Scalars['Int']['input'];
  query?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MomentsProductsQuery = { products: { nodes: Array<(
      Pick<AdminTypes.Product, 'id' | 'title' | 'handle' | 'vendor' | 'productType' | 'tags'>
      & { featuredMedia?: AdminTypes.Maybe<{ preview?: AdminTypes.Maybe<{ image?: AdminTypes.Maybe<Pick<AdminTypes.Image, 'url'>> }> }>, collections: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'price' | 'inventoryQuantity'>> } }
    )> } };

export type MomentsProductsByIdQueryVariables = AdminTypes.Exact<{
  ids: Array<AdminTypes.Scalars['ID']['input']> | AdminTypes.Scalars['ID']['input'];
}>;


export type MomentsProductsByIdQuery = { nodes: Array<AdminTypes.Maybe<(
    Pick<AdminTypes.Product, 'id' | 'title' | 'handle' | 'vendor' | 'productType' | 'tags'>
    & { featuredMedia?: AdminTypes.Maybe<{ preview?: AdminTypes.Maybe<{ image?: AdminTypes.Maybe<Pick<AdminTypes.Image, 'url'>> }> }>, collections: { nodes: Array<Pick<AdminTypes.Collection, 'id'>> }, variants: { nodes: Array<Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku' | 'price' | 'inventoryQuantity'>> } }
  )>> };

export type MomentsCollectionsQueryVariables = AdminTypes.Exact<{
  query?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MomentsCollectionsQuery = { collections: { nodes: Array<Pick<AdminTypes.Collection, 'id' | 'title'>> } };

export type MomentsShopQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MomentsShopQuery = { shop: (
    Pick<AdminTypes.Shop, 'id' | 'name' | 'currencyCode'>
    & { plan: Pick<AdminTypes.ShopPlan, 'shopifyPlus'> }
  ) };

export type MomentsPublishMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type MomentsPublishMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'key' | 'namespace' | 'updatedAt'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsReadMetafieldQueryVariables = AdminTypes.Exact<{
  key: AdminTypes.Scalars['String']['input'];
}>;


export type MomentsReadMetafieldQuery = { shop: { metafield?: AdminTypes.Maybe<Pick<AdminTypes.Metafield, 'value'>> } };

export type MomentsEmailDiscountMutationVariables = AdminTypes.Exact<{
  basicCodeDiscount: AdminTypes.DiscountCodeBasicInput;
}>;


export type MomentsEmailDiscountMutation = { discountCodeBasicCreate?: AdminTypes.Maybe<{ codeDiscountNode?: AdminTypes.Maybe<Pick<AdminTypes.DiscountCodeNode, 'id'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'message' | 'code'>> }> };

export type MomentsOfferDiscountsQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MomentsOfferDiscountsQuery = { automaticDiscountNodes: { nodes: Array<(
      Pick<AdminTypes.DiscountAutomaticNode, 'id'>
      & { automaticDiscount: Pick<AdminTypes.DiscountAutomaticApp, 'title' | 'status'> }
    )> } };

export type MomentsOfferDiscountCreateMutationVariables = AdminTypes.Exact<{
  discount: AdminTypes.DiscountAutomaticAppInput;
}>;


export type MomentsOfferDiscountCreateMutation = { discountAutomaticAppCreate?: AdminTypes.Maybe<{ automaticAppDiscount?: AdminTypes.Maybe<Pick<AdminTypes.DiscountAutomaticApp, 'discountId'>>, userErrors: Array<Pick<AdminTypes.DiscountUserError, 'field' | 'message'>> }> };

export type MomentsOfferDiscountInputMutationVariables = AdminTypes.Exact<{
  metafields: Array<AdminTypes.MetafieldsSetInput> | AdminTypes.MetafieldsSetInput;
}>;


export type MomentsOfferDiscountInputMutation = { metafieldsSet?: AdminTypes.Maybe<{ metafields?: AdminTypes.Maybe<Array<Pick<AdminTypes.Metafield, 'key' | 'namespace'>>>, userErrors: Array<Pick<AdminTypes.MetafieldsSetUserError, 'field' | 'message' | 'code'>> }> };

interface GeneratedQueryTypes {
  "#graphql\n  query MomentsProducts($first: Int!, $query: String) {\n    products(first: $first, query: $query, sortKey: TITLE) {\n      nodes { ...MomentsProductFields }\n    }\n  }\n  #graphql\n  fragment MomentsProductFields on Product {\n    id\n    title\n    handle\n    vendor\n    productType\n    tags\n    featuredMedia { preview { image { url } } }\n    collections(first: 50) { nodes { id } }\n    variants(first: 50) {\n      nodes { id title sku price inventoryQuantity }\n    }\n  }\n\n": {return: MomentsProductsQuery, variables: MomentsProductsQueryVariables},
  "#graphql\n  query MomentsProductsById($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      ... on Product { ...MomentsProductFields }\n    }\n  }\n  #graphql\n  fragment MomentsProductFields on Product {\n    id\n    title\n    handle\n    vendor\n    productType\n    tags\n    featuredMedia { preview { image { url } } }\n    collections(first: 50) { nodes { id } }\n    variants(first: 50) {\n      nodes { id title sku price inventoryQuantity }\n    }\n  }\n\n": {return: MomentsProductsByIdQuery, variables: MomentsProductsByIdQueryVariables},
  "#graphql\n  query MomentsCollections($query: String) {\n    collections(first: 100, query: $query, sortKey: TITLE) {\n      nodes { id title }\n    }\n  }\n": {return: MomentsCollectionsQuery, variables: MomentsCollectionsQueryVariables},
  "#graphql\n  query MomentsShop {\n    shop { id name currencyCode plan { shopifyPlus } }\n  }\n": {return: MomentsShopQuery, variables: MomentsShopQueryVariables},
  "#graphql\n  query MomentsReadMetafield($key: String!) {\n    shop { metafield(namespace: \"$app\", key: $key) { value } }\n  }\n": {return: MomentsReadMetafieldQuery, variables: MomentsReadMetafieldQueryVariables},
  "#graphql\n  query MomentsOfferDiscounts {\n    automaticDiscountNodes(first: 50, query: \"type:app\") {\n      nodes {\n        id\n        automaticDiscount {\n          ... on DiscountAutomaticApp { title status }\n        }\n      }\n    }\n  }\n": {return: MomentsOfferDiscountsQuery, variables: MomentsOfferDiscountsQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation MomentsPublish($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields { key namespace updatedAt }\n      userErrors { ...MomentsMetafieldsSetErrors }\n    }\n  }\n  #graphql\n  fragment MomentsMetafieldsSetErrors on MetafieldsSetUserError {\n    field\n    message\n    code\n  }\n\n": {return: MomentsPublishMutation, variables: MomentsPublishMutationVariables},
  "#graphql\n  mutation MomentsEmailDiscount($basicCodeDiscount: DiscountCodeBasicInput!) {\n    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {\n      codeDiscountNode { id }\n      userErrors { field message code }\n    }\n  }\n": {return: MomentsEmailDiscountMutation, variables: MomentsEmailDiscountMutationVariables},
  "#graphql\n  mutation MomentsOfferDiscountCreate($discount: DiscountAutomaticAppInput!) {\n    discountAutomaticAppCreate(automaticAppDiscount: $discount) {\n      automaticAppDiscount { discountId }\n      userErrors { field message }\n    }\n  }\n": {return: MomentsOfferDiscountCreateMutation, variables: MomentsOfferDiscountCreateMutationVariables},
  "#graphql\n  mutation MomentsOfferDiscountInput($metafields: [MetafieldsSetInput!]!) {\n    metafieldsSet(metafields: $metafields) {\n      metafields { key namespace }\n      userErrors { ...MomentsMetafieldsSetErrors }\n    }\n  }\n  #graphql\n  fragment MomentsMetafieldsSetErrors on MetafieldsSetUserError {\n    field\n    message\n    code\n  }\n\n": {return: MomentsOfferDiscountInputMutation, variables: MomentsOfferDiscountInputMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
