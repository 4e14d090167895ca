// Every rule, in the order their problems are listed for one call.
import { argumentNames, requiredParameters } from './argumentList';
import { parallelValue, parameterVersion, resultSets, valueKinds } from './callShape';
import { dataNames } from './dataNames';
import { inputQueryVariables } from './inputQuery';
import { languageValue } from './language';
import { proprietaryPackages } from './proprietaryPackages';
import type { Rule } from './rule';
import { scriptParameters } from './scriptParameters';
import { unknownValues } from './unknownValues';

export const RULES: readonly Rule[] = [
  requiredParameters,
  argumentNames,
  parameterVersion,
  valueKinds,
  languageValue,
  scriptParameters,
  parallelValue,
  resultSets,
  dataNames,
  inputQueryVariables,
  unknownValues,
  proprietaryPackages,
];
